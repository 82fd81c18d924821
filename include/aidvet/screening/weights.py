"""Token weights: rare tokens decide a match, common ones barely count.

A token's weight comes from how many list names contain it (its document frequency in the list
being screened against) and is capped for generic organization words that say nothing about who
an entity is ("international", "foundation", "cartel", "S.A."-like filler already removed by
preparation). Without a list (plain `score_names`) only the generic-word cap applies.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

# Generic words in English and Spanish organization names. Their weight is capped low so that two
# names sharing only such words never look alike ("RTI International" vs "NIA INTERNATIONAL").
GENERIC_WORDS = frozenset(
    """
    international internacional intl foundation fundacion group grupo trading trade company compania
    holding holdings association asociacion bank banco corporation corporacion organization
    organizacion organisation national nacional center centre centro institute instituto institution
    institucion services service servicios servicio industries industry industrial industria
    industrias enterprises enterprise empresa empresas society sociedad union global general
    development desarrollo management investment investments inversiones import export importadora
    exportadora imports exports commercial comercial comercializadora comercio academy academia
    church iglesia ministry ministerio agency agencia network red cartel carteles cartels gang
    brigade brigades army movement movimiento front frente party partido council consejo committee
    comite fund fondo relief aid charity charitable trust university universidad school escuela
    college colegio hospital clinic clinica community comunidad communities comunidades cooperative
    cooperativa federation federacion consulting consultores consultoria consultants solutions
    systems technology technologies tecnologia tecnologias shipping logistics transport transportes
    construction construcciones constructora world mundial americas latin latina latinoamericana
    new nueva nuevo social human humanitarian women mujeres children ninos youth jovenes health
    salud education educacion rights derechos research investigacion science sciences ciencias
    program programa project proyecto office oficina family familia department departamento
    partners partnership alliance alianza initiative iniciativa council limited mission mision
    sciences scientific cientifico association associates asociados inc llc ltd sa cv
    """.split()
)

def is_generic(token: str) -> bool:
    """A generic word, or its plural ("familias", "services", "asociaciones")."""
    return token in GENERIC_WORDS or (token.endswith("s") and (
        token[:-1] in GENERIC_WORDS or (token.endswith("es") and token[:-2] in GENERIC_WORDS)))


# Eastern Slavic patronymics ("Yuryevich", "Petrovna"): often left out, so missing one says little.
PATRONYMIC_ENDINGS = ("ovich", "evich", "ovna", "evna", "ovych", "ivna", "ogly", "oglu", "kyzy", "qizi")
PATRONYMIC_UNMATCHED_FACTOR = 0.5
GENERIC_WEIGHT = 0.25
UNMATCHED_GENERIC_WEIGHT = 0.5
INITIAL_WEIGHT = 0.3
MIN_WEIGHT = 0.3
# A token in up to this many list names is "rare" (full weight 1.0); every doubling of its
# frequency beyond that takes FREQUENCY_STEP off, down to MIN_WEIGHT.
RARE_DOCUMENT_FREQUENCY = 8
FREQUENCY_STEP = 0.18


class TokenWeights:
    """Weight of a token between MIN_WEIGHT and 1.0 (generic words GENERIC_WEIGHT)."""

    def __init__(self, document_frequency: Counter[str] | None = None):
        self.document_frequency = document_frequency or Counter()
        self._cache: dict[str, float] = {}
        self._unmatched_cache: dict[str, float] = {}

    @classmethod
    def from_token_sets(cls, token_sets: Iterable[Iterable[str]]) -> "TokenWeights":
        frequency: Counter[str] = Counter()
        for tokens in token_sets:
            frequency.update(set(tokens))
        return cls(frequency)

    def state(self) -> tuple[dict[str, int], dict[str, float], dict[str, float]]:
        """Plain dicts (marshal writes them) that `from_state` turns back into these weights."""
        return dict(self.document_frequency), self._cache, self._unmatched_cache

    @classmethod
    def from_state(cls, state: tuple[dict[str, int], dict[str, float], dict[str, float]]) -> "TokenWeights":
        frequency, cache, unmatched_cache = state
        weights = cls(Counter(frequency))
        weights._cache, weights._unmatched_cache = dict(cache), dict(unmatched_cache)
        return weights

    def __call__(self, token: str) -> float:
        weight = self._cache.get(token)
        if weight is None:
            weight = self._cache[token] = self._compute(token)
        return weight

    def _compute(self, token: str) -> float:
        if len(token) == 1 and not token.isdigit():
            return INITIAL_WEIGHT
        weight = 1.0
        frequency = self.document_frequency.get(token, 0)
        if frequency > RARE_DOCUMENT_FREQUENCY:
            weight = max(MIN_WEIGHT, 1.0 - FREQUENCY_STEP * math.log2(frequency / RARE_DOCUMENT_FREQUENCY))
        if is_generic(token):
            weight = min(weight, GENERIC_WEIGHT)
        return weight

    def unmatched(self, token: str) -> float:
        """Weight of a token left without a partner. A generic word shared by two names proves
        little, but a generic word only one name has still tells them apart."""
        weight = self._unmatched_cache.get(token)
        if weight is None:
            weight = self._unmatched_cache[token] = self._compute_unmatched(token)
        return weight

    def _compute_unmatched(self, token: str) -> float:
        weight = self(token)
        if token.endswith(PATRONYMIC_ENDINGS):
            return weight * PATRONYMIC_UNMATCHED_FACTOR
        return max(weight, UNMATCHED_GENERIC_WEIGHT) if is_generic(token) else weight

    def frequency(self, token: str) -> int:
        return self.document_frequency.get(token, 0)


DEFAULT_WEIGHTS = TokenWeights()
