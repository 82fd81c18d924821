"""Deterministic sample grants-management export: awards, subrecipients, key individuals, disbursements.

Seeded, so every machine writes the same bytes. Most payees are ordinary partners in Mexico and
Central America (some deliberately share words with listed names: "Jalisco", "Sinaloa", "Golfo",
"Nueva Generación", so false positives show). A handful are listed cartels written the way they
turn up in real data, one subrecipient carries an SDN alias, one key individual is a listed
person, and a few rows are malformed so the quarantine has work to do.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from aidvet.sources.grants_csv import DISBURSEMENT_COLUMNS, KEY_INDIVIDUAL_COLUMNS

SEED = 20250220  # the FTO designations' date

COUNTRIES = ["MX", "MX", "MX", "GT", "HN", "SV"]
PLACES = {
    "MX": ["Oaxaca", "Chiapas", "Guerrero", "Jalisco", "Sinaloa", "Michoacán", "Veracruz", "Puebla", "Tamaulipas",
           "Ciudad Juárez", "Tijuana", "Monterrey", "Yucatán", "del Golfo"],
    "GT": ["Quetzaltenango", "Huehuetenango", "Alta Verapaz", "Petén"],
    "HN": ["Tegucigalpa", "San Pedro Sula", "Choluteca", "La Ceiba"],
    "SV": ["San Salvador", "Santa Ana", "San Miguel", "La Libertad"],
}
ORG_HEADS = ["Fundación", "Asociación", "Centro", "Red", "Cooperativa", "Colectivo", "Instituto", "Consejo"]
ORG_TOPICS = ["Comunitaria", "para el Desarrollo Rural", "de Mujeres Indígenas", "Nueva Generación",
              "por la Niñez", "de Salud Comunitaria", "Agroecológica", "de Derechos Humanos",
              "para la Juventud", "de Agua y Saneamiento", "Unidos por la Paz", "Migrante"]
LEGAL_FORMS = {"MX": ["A.C.", "A.C.", "I.A.P.", "S.C.", "S.A. de C.V."], "GT": ["", "S.A."],
               "HN": ["", "OPDF"], "SV": ["", "S.A. de C.V."]}
PRIMES = [
    ("PR-001", "Chemonics International Inc.", "US"),
    ("PR-002", "DAI Global, LLC", "US"),
    ("PR-003", "Fundación Mexicana para el Desarrollo Rural, A.C.", "MX"),
    ("PR-004", "Catholic Relief Services", "US"),
    ("PR-005", "Counterpart International", "US"),
]
AWARD_TITLES = ["Community violence prevention", "Rule of law and justice reform", "Youth workforce development",
                "Migration response and reintegration", "Climate-resilient agriculture", "Human rights protection",
                "Local governance strengthening", "Health systems resilience"]
GIVEN = ["María", "José", "Juan", "Guadalupe", "Ana", "Luis", "Carmen", "Jorge", "Rosa", "Miguel", "Elena", "Óscar"]
SURNAMES = ["Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez",
            "Cruz", "Flores", "Morales", "Reyes", "Jiménez", "Torres"]

# Payees that must be held: listed names as they turn up in real data.
HELD_PAYEES = [
    ("SUB-H01", "Cártel de Sinaloa", "MX"),
    ("SUB-H02", "CARTEL JALISCO NUEVA GENERACION", "MX"),
    ("SUB-H03", "Carteles Unidos, S.A. de C.V.", "MX"),
    ("SUB-H04", "Tren de Aragua", "SV"),
    ("SUB-H05", "Mara Salvatrucha", "SV"),
    ("SUB-H06", "Cartel del Golfo", "MX"),
    ("SUB-H07", "Jalisco New Generation Cartel", "MX"),  # an SDN alias, as a subrecipient name
]
# A subrecipient whose key individual is a listed person (same DOB, same CURP).
LISTED_KEY_INDIVIDUAL = ("SUB-H08", "Servicios Agropecuarios del Occidente, S.C.", "MX",
                         ("Rubén Oseguera Cervantes", "1966-07-17", "CURP", "OECR660717HMNSRB00", "MX"))


@dataclass(frozen=True)
class SampleSizes:
    awards: int = 8
    subrecipients: int = 48
    disbursements: int = 320


def _org_name(rng: random.Random, country: str) -> str:
    parts = [rng.choice(ORG_HEADS), rng.choice(ORG_TOPICS), rng.choice(PLACES[country]), rng.choice(LEGAL_FORMS[country])]
    return " ".join(part for part in parts if part).replace(" de del ", " del ")


def _person(rng: random.Random) -> tuple[str, str]:
    name = f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
    born = date(1955, 1, 1) + timedelta(days=rng.randrange(0, 365 * 45))
    return name, born.isoformat()


def generate(folder: Path, sizes: SampleSizes = SampleSizes(), seed: int = SEED) -> list[Path]:
    """Write disbursements.csv and key_individuals.csv into `folder`; return their paths."""
    rng = random.Random(seed)
    awards = [(f"72052{3 + i % 3}-{20 + i}-CA-{1000 + i * 7}", AWARD_TITLES[i % len(AWARD_TITLES)], PRIMES[i % len(PRIMES)])
              for i in range(sizes.awards)]
    subrecipients = []
    for i in range(sizes.subrecipients):
        country = rng.choice(COUNTRIES)
        subrecipients.append((f"SUB-{i + 1:03d}", _org_name(rng, country), country))
    key_individuals = [("SUB-%03d" % (i + 1), *_person(rng), "Pasaporte", f"P{rng.randrange(10**7, 10**8)}", sub[2])
                       for i, sub in enumerate(subrecipients)]
    key_individuals.append((LISTED_KEY_INDIVIDUAL[0], *LISTED_KEY_INDIVIDUAL[3][:2], *LISTED_KEY_INDIVIDUAL[3][2:]))

    rows = [_disbursement(rng, n, awards, subrecipients) for n in range(sizes.disbursements)]
    for k, payee in enumerate(HELD_PAYEES + [LISTED_KEY_INDIVIDUAL[:3]]):
        rows[7 + k * 37] = _disbursement(rng, 7 + k * 37, awards, [payee])
    _add_defects(rows)

    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "disbursements.csv", folder / "key_individuals.csv"]
    _write_csv(paths[0], DISBURSEMENT_COLUMNS, rows)
    _write_csv(paths[1], KEY_INDIVIDUAL_COLUMNS,
               [dict(zip(KEY_INDIVIDUAL_COLUMNS, (pid, name, born, id_type, id_no, nat)))
                for pid, name, born, id_type, id_no, nat in key_individuals])
    return paths


def _disbursement(rng: random.Random, n: int, awards, payees) -> dict[str, str]:
    award_id, title, (prime_id, prime_name, prime_country) = rng.choice(awards)
    payee_id, payee_name, country = rng.choice(payees)
    currency = "MXN" if country == "MX" and rng.random() < 0.6 else "USD"
    amount = rng.randrange(2_000, 250_000) * (17 if currency == "MXN" else 1)
    return {
        "disbursement_id": f"DSB-{2026_000 + n}", "award_id": award_id, "award_title": title,
        "prime_recipient_id": prime_id, "prime_recipient_name": prime_name, "prime_recipient_country": prime_country,
        "payee_id": payee_id, "payee_name": payee_name, "payee_type": "organization", "payee_role": "subrecipient",
        "payee_country": country, "amount": f"{amount}.{rng.randrange(0, 100):02d}", "currency": currency,
        "disbursement_date": (date(2026, 1, 5) + timedelta(days=rng.randrange(0, 300))).isoformat(),
    }


def _add_defects(rows: list[dict[str, str]]) -> None:
    """Rows the quality gate must quarantine, each for a different reason."""
    rows[3]["payee_name"] = ""
    rows[11]["amount"] = "-1500.00"
    rows[19]["currency"] = "XYZ"
    rows[27]["payee_name"] = "n/a"
    rows[35]["amount"] = "12,5OO.00"


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
