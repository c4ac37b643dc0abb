"""A fake deadline source for the radar's tests: deadlines set by the test, asked like a real source."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dangbo.core.deadlines import Deadline
from dangbo.organizations.models import Organization


def deadline(
    org: Organization,
    due_on: dt.date,
    *,
    kind: str = "admissions.decision",
    title: str = "Quyết định kết nạp",
    subject: str = "Nguyễn Văn An",
    rule: str = "QĐ 294-QĐ/TW, mục 4.3.1",
    url: str = "/members/1/",
    detail: str = "",
    milestone: bool = False,
) -> Deadline:
    return Deadline(
        kind=kind,
        title=title,
        subject=subject,
        organization_id=org.pk,
        organization_name=org.name,
        organization_path=org.path,
        due_on=due_on,
        rule=rule,
        url=url,
        detail=detail,
        milestone=milestone,
    )


@dataclass
class FakeSource:
    """Returns the deadlines of its list that lie in the subtree asked for and due by ``until``.

    ``honest=False`` returns everything, as a faulty source would.
    """

    deadlines: list[Deadline] = field(default_factory=list)
    honest: bool = True
    calls: list[tuple[str, dt.date, dt.date]] = field(default_factory=list)

    def __call__(self, org, today, until):
        self.calls.append((org.code, today, until))
        if not self.honest:
            return list(self.deadlines)
        return [
            d
            for d in self.deadlines
            if d.organization_path.startswith(org.path) and d.due_on <= until
        ]
