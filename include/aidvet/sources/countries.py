"""Country codes as the canonical model keeps them: ISO 3166 alpha-2."""

from __future__ import annotations

import pycountry


def alpha2(code: str | None) -> str | None:
    """A known alpha-3 code (USAspending's "MEX") as alpha-2 ("MX"); anything else as given.

    Only an exact ISO mapping is applied: an unknown code stays as it is for validation to judge.
    """
    if code is None or len(code.strip()) != 3:
        return code
    country = pycountry.countries.get(alpha_3=code.strip().upper())
    return country.alpha_2 if country else code
