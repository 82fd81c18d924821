"""Entities built in code: the engine's rules are tested without any list file."""

import pytest

from aidvet.lists.model import Alias, Entity, Identifier


@pytest.fixture(scope="session")
def entities() -> list[Entity]:
    return [
        Entity("ofac:17671", "ofac", "organization", "CARTEL DE JALISCO NUEVA GENERACION",
               aliases=[Alias("JALISCO NEW GENERATION CARTEL"), Alias("CJNG")], programs=["SDNTK", "FTO", "SDGT"],
               countries=["Mexico"]),
        Entity("ofac:11440", "ofac", "organization", "SINALOA CARTEL", aliases=[Alias("CARTEL DE SINALOA")],
               programs=["SDNTK", "FTO", "SDGT"], countries=["Mexico"]),
        Entity("ofac:11438", "ofac", "organization", "CARTEL DEL NORESTE", aliases=[Alias("CDN"), Alias("LOS ZETAS")],
               programs=["SDNTK", "FTO", "SDGT"]),
        Entity("ofac:49756", "ofac", "organization", "TREN DE ARAGUA", aliases=[Alias("EL TREN DE ARAGUA")],
               programs=["FTO", "SDGT", "TCO"], countries=["Venezuela"]),
        Entity("ofac:15412", "ofac", "organization", "MS-13", aliases=[Alias("MARA SALVATRUCHA")],
               programs=["FTO", "SDGT", "TCO"]),
        Entity("eval:cu", "ofac", "organization", "CARTELES UNIDOS", programs=["FTO", "SDGT"]),
        Entity("ofac:7226", "ofac", "person", "ZAMBADA GARCIA, Ismael",
               aliases=[Alias("EL MAYO", "weak"), Alias("ZAMBADA, Mayo", "strong")],
               programs=["SDNTK"], countries=["Mexico"], birth_dates=["1948-01-01"],
               identifiers=[Identifier("C.U.R.P.", "ZAGI480101HSLMRS09", "Mexico")]),
        Entity("ofac:9000", "ofac", "person", "PEREZ LOPEZ, Juan Carlos", programs=["SDNTK"],
               countries=["Mexico"], birth_dates=["1970-05-12"]),
        Entity("ofac:9001", "ofac", "organization", "NIA INTERNATIONAL", programs=["IRAN"]),
        Entity("ofac:9002", "ofac", "organization", "ACADEMY OF NATURAL SCIENCES", programs=["IRAN"]),
        Entity("ofac:9003", "ofac", "organization", "ESPERANZA", programs=["VENEZUELA"]),
        Entity("un:1", "un", "person", "SIRAJUDDIN JALLALOUDINE HAQQANI", programs=["Taliban"],
               birth_dates=["circa 1977"], countries=["af"]),
    ]
