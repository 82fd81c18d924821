"""Generated payee names for the screening benchmark: persons and organizations the way aid
data writes them, with true hits planted (variants of listed names).

Deterministic for a given seed. The word pools are common given names, surnames and
organization vocabulary in Spanish, English, Arabic, Russian, Chinese and other origins.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from aidvet.lists.model import Entity
from aidvet.screening import Query

GIVEN = """
Jose Juan Maria Carlos Luis Jorge Miguel Francisco Antonio Manuel Pedro Alejandro Ricardo Fernando
Javier Roberto Eduardo Sergio Rafael Daniel Mario Alberto Raul Arturo Enrique Hector Oscar Victor
Guadalupe Ana Rosa Patricia Laura Elena Gabriela Veronica Claudia Adriana Silvia Leticia Martha
Alejandra Monica Sofia Valentina Camila Fernanda Ximena Lucia Andrea Paola Diana Marisol Yolanda
John Michael David James Robert William Richard Thomas Mark Steven Paul Andrew Kevin Brian
Mary Jennifer Linda Susan Karen Nancy Lisa Betty Sandra Ashley Emily Sarah Jessica Amanda Michelle
Mohammed Ahmed Ali Hassan Hussein Omar Khalid Abdullah Youssef Ibrahim Mustafa Karim Tariq Samir
Fatima Aisha Mariam Layla Noor Zainab Huda Amina Rania Salma Yasmin Hana
Ivan Sergei Dmitri Vladimir Alexei Nikolai Olga Tatiana Natalia Irina Elena Svetlana
Wei Fang Jing Min Lei Jun Hui Ying Xin Yan Kwame Kofi Ama Chinedu Ngozi Emeka Oluwaseun
Priya Rahul Amit Sunita Anil Deepak Kavita Arjun Thi Minh Duc Linh Jin Soo Hyun Ji
""".split()

SURNAMES = """
Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores Rivera Gomez
Diaz Reyes Cruz Morales Ortiz Gutierrez Chavez Ramos Ruiz Mendoza Alvarez Castillo Jimenez Moreno
Romero Herrera Medina Aguilar Vargas Castro Guzman Velazquez Rojas Contreras Salazar Luna Ortega
Estrada Cervantes Dominguez Vazquez Soto Delgado Rios Mejia Juarez Navarro Sandoval Campos Espinoza
Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson Martin
Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Baker
Khan Hussain Rahman Haddad Nasser Saleh Mansour Farouk Aziz Hamdan Qureshi Siddiqui Abbas Karimi
Ivanov Petrov Smirnov Kuznetsov Popov Sokolov Volkov Morozov Novikov Fedorov
Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Nguyen Tran Pham Kim Park Choi Okafor Mensah Mwangi
Patel Sharma Singh Kumar Gupta Reddy Das Silva Santos Oliveira Pereira Costa Almeida
""".split()

ORG_HEADS = """
Fundacion Asociacion Centro Instituto Red Comite Consejo Cooperativa Servicios Grupo Comercializadora
Constructora Distribuidora Consultores Iglesia Colegio Clinica Hospital Union Alianza Federacion
Foundation Association Center Institute Network Alliance Council Society Trust Partners Services
Solutions Group Consulting Health Education Development Research Global International
""".split()

ORG_WORDS = """
Esperanza Futuro Vida Nueva Solidaridad Progreso Comunitario Rural Indigena Sustentable Ambiental
Juvenil Mujeres Ninos Familia Salud Educacion Desarrollo Agua Tierra Maya Azteca Sierra Valle Costa
Norte Sur Pacifico Caribe Golfo Occidente Oriente Montana Rio Lago Bosque Selva Volcan Aurora Sol
Luna Estrella Horizonte Puente Camino Sendero Semilla Cosecha Raices Alas Manos Corazon Voces
Hope Future Bridge Harvest Horizon Unity Access Bright Green Blue River Mountain Valley Coast
Summit Pioneer Beacon Compass Anchor Keystone Cornerstone Pathway Evergreen Liberty Heritage
Frontier Meridian Vista Crescent Harbor Prairie Northern Southern Eastern Western Pacific Atlantic
Lighthouse Sunrise Rainbow Phoenix Eagle Falcon Cedar Oak Willow Maple Pine Granite Silver Golden
""".split()

PLACES = """
Mexico Oaxaca Chiapas Guerrero Michoacan Jalisco Sonora Chihuahua Yucatan Veracruz Puebla Tabasco
Guatemala Honduras Salvador Nicaragua Panama Colombia Peru Ecuador Bolivia Haiti Jamaica Caribe
Americas Latinoamerica Centroamerica Africa Asia Kenya Uganda Nigeria Ghana
""".split()

LEGAL = ["S.A. de C.V.", "S. de R.L. de C.V.", "A.C.", "I.A.P.", "S.C.", "LLC", "Inc.", "Ltd",
         "S.A.", "GmbH", "", "", "", "", ""]


def person_name(rng: random.Random) -> tuple[str, str]:
    given = rng.choice(GIVEN) + (f" {rng.choice(GIVEN)}" if rng.random() < 0.35 else "")
    surnames = rng.choice(SURNAMES) + (f" {rng.choice(SURNAMES)}" if rng.random() < 0.45 else "")
    if rng.random() < 0.3:
        return f"{surnames.upper()}, {given}", "person"
    return f"{given} {surnames}", "person"


def organization_name(rng: random.Random) -> tuple[str, str]:
    words = [rng.choice(ORG_HEADS)]
    if rng.random() < 0.5:
        words.append(rng.choice(["de", "para el", "del", "for", "of"]))
    words += rng.sample(ORG_WORDS, rng.choice([1, 1, 2, 2, 3]))
    if rng.random() < 0.4:
        words.append(rng.choice(PLACES))
    legal = rng.choice(LEGAL)
    return " ".join(words) + (f", {legal}" if legal else ""), "organization"


def typo(rng: random.Random, name: str) -> str:
    letters = [i for i, char in enumerate(name) if char.isalpha()]
    if len(letters) < 6:
        return name
    i = rng.choice(letters[1:])
    edit = rng.random()
    if edit < 0.4:
        return name[:i] + rng.choice("aeiourstnl") + name[i + 1 :]
    if edit < 0.7:
        return name[:i] + name[i + 1 :]
    if i + 1 < len(name):
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name


def variant(rng: random.Random, name: str, kind: str) -> str:
    """A realistic rewrite of a listed name: a typo, reordering, case, punctuation, legal form."""
    if "," in name and kind == "person" and rng.random() < 0.6:
        surname, _, given = name.partition(",")
        name = f"{given.strip()} {surname.strip()}"
    if rng.random() < 0.6:
        name = typo(rng, name)
    if rng.random() < 0.5:
        name = name.title()
    if kind != "person" and rng.random() < 0.3:
        name = f"{name} {rng.choice(['S.A. de C.V.', 'LLC', 'Ltd.', 'S.A.'])}"
    return name


def generate(count: int, entities: Sequence[Entity], seed: int = 7,
             planted_share: float = 0.01) -> Iterator[tuple[Query, str | None]]:
    """(query, entity id planted or None): persons 60%, organizations 40%, `planted_share` true hits."""
    rng = random.Random(seed)
    for number in range(count):
        if rng.random() < planted_share:
            entity = rng.choice(entities)
            name, alias = rng.choice(entity.all_names())
            if alias is not None and alias.strength == "weak":
                name = entity.name
            kind = "person" if entity.kind == "person" else "organization"
            yield Query(f"q{number}", variant(rng, name, kind), kind), entity.id
        else:
            name, kind = person_name(rng) if rng.random() < 0.6 else organization_name(rng)
            yield Query(f"q{number}", name, kind if rng.random() < 0.8 else None), None
