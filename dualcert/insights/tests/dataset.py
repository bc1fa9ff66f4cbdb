"""A small hand-built prefecture whose headline figures are worked out by hand below.

county A: project_1 (pathway_1: S1 + P1, P1 fee 800, subsidy 1200)
  a1 admitted, completed, S1+P1 on 2025-03-01, wage before 3000, hired 2025-04-01 at 5000
  a2 admitted, completed, S1 only,              wage before 3201, hired 2025-05-01 at 5600
  a3 admitted, dropped (no score)
  a4 applied, never admitted
  a5 admitted, completed, absent at the sitting
county B:
  b1 project_2 (pathway_2: S2 + P2, P2 fee 500, subsidy 1000): admitted, completed,
     S2+P2 on 2025-06-01, no wage before, hired 2025-05-01 (before certification) at 4000
  b2 project_1: admitted, completed, S1+P1 on 2025-03-01, wage before 2800,
     hired 2025-03-01 (same day) at 6000
  b3 holds P2 from an import (no sitting), issued 2024-01-01, not hired

Bureau totals: person-times 6, completed 5, dual-certified 3 (a1, b1, b2), certificates 8
(S1 3, P1 2, S2 1, P2 2), fees saved 800 + 500 + 800 = 2100 (b3's import saves nothing),
subsidy 4 × 1200 + 1000 = 5800, certified 5, placed after certification 3 (a1, a2, b2) → 60.0 %,
median wage before (2800, 3000, 3201) = 3000, after (5000, 5600, 6000) = 5600.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from dualcert.employment.tests.factories import (
    CertificateFactory,
    assess,
    enroll,
    hire,
)
from dualcert.training.models import TrainingProject
from tests.factories import JobDemandFactory, WorkerFactory

ISSUED = date(2025, 3, 1)


@dataclass
class Dataset:
    workers: dict[str, Any]
    extra_demand: Any


def build(world: Any) -> Dataset:
    pathway_1, pathway_2 = world.pathway_1, world.pathway_2
    pathway_1.permit.standard_fee = 800
    pathway_1.permit.save()
    pathway_2.permit.standard_fee = 500
    pathway_2.permit.save()
    TrainingProject.objects.filter(pk=world.project_1.pk).update(subsidy_per_person=1200)
    world.project_1.refresh_from_db()
    p1, p2 = world.project_1, world.project_2
    names = ("a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3")
    w = {name: WorkerFactory(region=world.county_a if name[0] == "a" else world.county_b,
                             name=name) for name in names}

    assess(enroll(p1, w["a1"], wage_before=3000), issued_on=ISSUED)
    hire(w["a1"], world.demand_1, start=date(2025, 4, 1), wage=5000)
    assess(enroll(p1, w["a2"], wage_before=3201), permit=False, issued_on=ISSUED)
    hire(w["a2"], world.demand_1, start=date(2025, 5, 1), wage=5600)
    enroll(p1, w["a3"], status="dropped")
    enroll(p1, w["a4"], status="applied", admitted=False)
    assess(enroll(p1, w["a5"]), absent=True)

    assess(enroll(p2, w["b1"]), issued_on=date(2025, 6, 1))
    hire(w["b1"], world.demand_2, start=date(2025, 5, 1), wage=4000)
    assess(enroll(p1, w["b2"], wage_before=2800), issued_on=ISSUED)
    hire(w["b2"], world.demand_2, start=date(2025, 3, 1), wage=6000)
    CertificateFactory(worker=w["b3"], certificate_type=pathway_2.permit,
                       issued_on=date(2024, 1, 1))

    extra = JobDemandFactory(employer=world.employer_1, headcount=5)
    p1.demands.add(extra)
    return Dataset(w, extra)
