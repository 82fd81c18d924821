import pytest

from aidvet.review import ReviewError
from aidvet.review.roles import NotAllowed, actor, aidvet_roles, may, role_map


def test_simple_auth_manager_and_fab_roles_map_to_review_roles():
    assert aidvet_roles(["viewer"], role_map("")) == {"auditor"}
    assert aidvet_roles(["USER"], role_map("")) == {"reviewer"}
    assert aidvet_roles(["op"], role_map("")) == {"approver"}
    assert aidvet_roles(["Aidvet Approver", "Public"], role_map("")) == {"approver"}
    assert aidvet_roles(["Compliance"], role_map("Compliance:approver")) == {"approver"}
    assert aidvet_roles(["Public"], role_map("")) == set()


def test_a_bad_role_map_names_the_entry():
    with pytest.raises(ReviewError, match="'Compliance:boss'"):
        role_map("Compliance:boss")


def test_permissions():
    assert may({"reviewer"}, "decide") and not may({"reviewer"}, "approve")
    assert may({"auditor"}, "export") and not may({"auditor"}, "decide")
    with pytest.raises(NotAllowed, match="needs the role admin or approver"):
        actor("rita", "reviewer").require("approve")
