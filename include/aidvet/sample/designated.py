"""A small designated-entity list in OFAC's legacy CSV layout, written from public facts.

The rows restate public OFAC SDN entries: the February 2025 designations of Mexican cartels,
Tren de Aragua and MS-13 as FTO/SDGT, with aliases OFAC publishes, a CJNG leader and a few
SDNTK companies. Where this file does not know OFAC's entry number, it uses a number at or
above 990000 so the row cannot be mistaken for a real one.
"""

from __future__ import annotations

from pathlib import Path

NULL = "-0- "

# (ent_num, name, type, programs, remarks)
SDN_ROWS = [
    (11440, "SINALOA CARTEL", None, "SDNTK] [FTO] [SDGT] [ILLICIT-DRUGS-EO14059",
     "Organization Type: Transnational Terrorist Group; Target Type Criminal Organization; "
     "a.k.a. 'MEXICAN FEDERATION'; a.k.a. 'GUADALAJARA CARTEL'."),
    (17671, "CARTEL DE JALISCO NUEVA GENERACION", None, "SDNTK] [FTO] [SDGT] [ILLICIT-DRUGS-EO14059",
     "Organization Type: Transnational Terrorist Group; Target Type Criminal Organization."),
    (11438, "CARTEL DEL NORESTE", None, "SDNTK] [FTO] [SDGT] [TCO] [ILLICIT-DRUGS-EO14059",
     "Organization Type: Transnational Terrorist Group; Target Type Criminal Organization; "
     "a.k.a. 'CDN'; a.k.a. 'NORTHEAST CARTEL'; a.k.a. 'LOS ZETAS'."),
    (10386, "GULF CARTEL", None, "SDNTK] [FTO] [SDGT] [ILLICIT-DRUGS-EO14059",
     "Organization Type: Transnational Terrorist Group; Target Type Criminal Organization."),
    (990001, "CARTELES UNIDOS", None, "FTO] [SDGT] [ILLICIT-DRUGS-EO14059",
     "Organization Type: Transnational Terrorist Group; Target Type Criminal Organization."),
    (990002, "LA NUEVA FAMILIA MICHOACANA", None, "FTO] [SDGT] [ILLICIT-DRUGS-EO14059",
     "Organization Type: Transnational Terrorist Group; Target Type Criminal Organization; a.k.a. 'LNFM'."),
    (49756, "TREN DE ARAGUA", None, "TCO] [FTO] [SDGT",
     "Organization Type: Transnational Terrorist Group; Target Type Criminal Organization."),
    (15412, "MS-13", None, "FTO] [SDGT] [TCO",
     "Organization Type: Transnational Terrorist Group; Target Type Criminal Organization."),
    (17674, "OSEGUERA CERVANTES, Ruben", "individual", "SDNTK] [SDGT] [ILLICIT-DRUGS-EO14059",
     "DOB 17 Jul 1966; POB Michoacan de Ocampo, Mexico; nationality Mexico; Gender Male; "
     "C.U.R.P. OECR660717HMNSRB00 (Mexico); a.k.a. 'El Mencho'; Linked To: CARTEL DE JALISCO NUEVA GENERACION."),
    (17672, "LOS CUINIS", None, "SDNTK", None),
    (18367, "J & P ADVERTISING, S.A. DE C.V.", None, "SDNTK", "Website www.jp-adv.com; R.F.C. JAP090911D37 (Mexico)."),
    (18070, "NUEVA ATUNERA TRITON S.A. DE C.V.", None, "SDNTK",
     "RFC NAT100506KK1 (Mexico); Folio Mercantil No. 19522-2 (Mexico)."),
]

# (ent_num, alt_num, type, alias)
ALT_ROWS = [
    (11440, 45312, "aka", "CARTEL DE SINALOA"),
    (17671, 27281, "aka", "NEW GENERATION CARTEL OF JALISCO"),
    (17671, 45405, "aka", "JALISCO NEW GENERATION CARTEL"),
    (17671, 990101, "aka", "CJNG"),
    (10386, 45324, "aka", "CARTEL DEL GOLFO"),
    (15412, 22698, "aka", "MARA SALVATRUCHA"),
    (49756, 82923, "aka", "EL TREN DE ARAGUA"),
    (990001, 990102, "aka", "UNITED CARTELS"),
    (990002, 990103, "aka", "NEW MICHOACAN FAMILY"),
]


def _field(value) -> str:
    return NULL if value is None else f'"{value}"'


def sdn_line(ent_num, name, sdn_type, programs, remarks) -> str:
    fields = [str(ent_num), _field(name), _field(sdn_type), _field(programs)] + [NULL] * 7 + [_field(remarks)]
    return ",".join(fields)


def alt_line(ent_num, alt_num, alt_type, alias) -> str:
    return ",".join([str(ent_num), str(alt_num), _field(alt_type), _field(alias), NULL])


def write_ofac_csv(folder: Path) -> list[Path]:
    """Write sdn.csv and alt.csv exactly as OFAC ships them: latin-1, CRLF, trailing 0x1A."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "sdn.csv": [sdn_line(*row) for row in SDN_ROWS],
        "alt.csv": [alt_line(*row) for row in ALT_ROWS],
    }
    paths = []
    for name, lines in files.items():
        path = folder / name
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1") + b"\x1a")
        paths.append(path)
    return paths
