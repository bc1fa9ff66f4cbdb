"""The fused curriculum of a pathway: modules pairing items of both certificates, and sessions.

Each module covers one skill item and (where there is one left) one permit item, with the
larger of the two items' theory hours and the larger of their practical hours, so every
requirement item of both certificates is covered in full while the shared content is taught
once.
"""

from dataclasses import dataclass, field
from itertools import zip_longest

from dualcert.catalog.models import RequirementItem
from dualcert.core.demo.context import PathwayInfo

SESSION_HOURS = 8


@dataclass
class ModulePlan:
    order: int
    name: str
    theory_hours: int
    practical_hours: int
    items: list[RequirementItem] = field(default_factory=list)


@dataclass
class SessionPlan:
    module: int  # index into the module list
    topic: str
    hours: int


@dataclass
class Curriculum:
    modules: list[ModulePlan]
    sessions: list[SessionPlan]

    @property
    def hours(self) -> int:
        return sum(s.hours for s in self.sessions)


def _module(order: int, pair: tuple[RequirementItem | None, RequirementItem | None]) -> ModulePlan:
    items = [i for i in pair if i is not None]
    return ModulePlan(
        order=order,
        name=f"模块{order}：" + " / ".join(i.name for i in items),
        theory_hours=max(i.theory_hours for i in items),
        practical_hours=max(i.practical_hours for i in items),
        items=items,
    )


def _sessions(index: int, module: ModulePlan) -> list[SessionPlan]:
    sessions: list[SessionPlan] = []
    for label, hours in (("理论", module.theory_hours), ("实操", module.practical_hours)):
        while hours > 0:
            block = min(hours, SESSION_HOURS)
            sessions.append(SessionPlan(index, f"{module.name[:110]}（{label}）", block))
            hours -= block
    return sessions


def fused_curriculum(info: PathwayInfo, *, leave_out_last_permit_item: bool = False) -> Curriculum:
    """The fused course for a pathway; optionally short of one permit item (a draft to fix)."""
    permit_items = info.permit_items[:-1] if leave_out_last_permit_item else info.permit_items
    modules = [
        _module(order, pair)
        for order, pair in enumerate(zip_longest(info.skill_items, permit_items), start=1)
    ]
    sessions = [s for index, m in enumerate(modules) for s in _sessions(index, m)]
    return Curriculum(modules, sessions)
