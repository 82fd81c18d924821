from aidvet.quality.disbursements import QualityPolicy, validate_disbursements
from aidvet.quality.gx_runner import QualityResult

__all__ = ["QualityPolicy", "QualityResult", "validate_disbursements"]
