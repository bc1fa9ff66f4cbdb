"""Each role's navigation: every page a role uses is reachable from here."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dualcert.core.scoping import Role

NAV: dict[str, list[tuple[str | Promise, str]]] = {
    Role.BUREAU: [
        (_("Dashboard"), "insights:dashboard"),
        (_("Projects"), "training:projects"),
        (_("Job demands"), "demand:demands"),
        (_("Workers"), "people:workers"),
        (_("Imports"), "imports:index"),
        (_("Exports"), "insights:exports"),
        (_("Sittings"), "assessment:sittings"),
        (_("Certificates"), "credentials:certificates"),
        (_("Referrals"), "employment:referrals"),
        (_("Follow-ups"), "employment:followups"),
        (_("Job fairs"), "fairs:fairs"),
        (_("Pathways"), "catalog:pathways"),
        (_("Audit log"), "core:audit"),
    ],
    Role.COUNTY: [
        (_("Dashboard"), "insights:dashboard"),
        (_("Projects"), "training:projects"),
        (_("Job demands"), "demand:demands"),
        (_("Workers"), "people:workers"),
        (_("Imports"), "imports:index"),
        (_("Exports"), "insights:exports"),
        (_("Sittings"), "assessment:sittings"),
        (_("Certificates"), "credentials:certificates"),
        (_("Referrals"), "employment:referrals"),
        (_("Follow-ups"), "employment:followups"),
        (_("Job fairs"), "fairs:fairs"),
        (_("Pathways"), "catalog:pathways"),
    ],
    Role.DEPARTMENT: [
        (_("Dashboard"), "insights:dashboard"),
        (_("Projects"), "training:projects"),
        (_("Sittings"), "assessment:sittings"),
        (_("Certificates"), "credentials:certificates"),
        (_("Exports"), "insights:exports"),
        (_("Pathways"), "catalog:pathways"),
    ],
    Role.INSTITUTION: [
        (_("Projects"), "training:projects"),
        (_("Workers"), "people:workers"),
        (_("Imports"), "imports:index"),
        (_("Exports"), "insights:exports"),
        (_("Pathways"), "catalog:pathways"),
    ],
    Role.EVALUATOR: [
        (_("Sittings"), "assessment:sittings"),
        (_("Imports"), "imports:index"),
        (_("Exports"), "insights:exports"),
    ],
    Role.EMPLOYER: [
        (_("Job demands"), "demand:demands"),
        (_("Referrals"), "employment:referrals"),
        (_("Job fairs"), "fairs:fairs"),
        (_("Exports"), "insights:exports"),
        (_("Verify a certificate"), "credentials:lookup"),
    ],
    Role.WORKER: [
        (_("My page"), "people:me"),
        (_("Jobs for you"), "employment:my_jobs"),
        (_("My certificates"), "credentials:wallet"),
        (_("Jobs"), "demand:demands"),
        (_("Job fairs"), "fairs:fairs"),
        (_("Training"), "training:projects"),
    ],
}

LANDING: dict[str, str] = {
    Role.BUREAU: "insights:dashboard",
    Role.COUNTY: "insights:dashboard",
    Role.DEPARTMENT: "training:projects",
    Role.INSTITUTION: "training:projects",
    Role.EVALUATOR: "assessment:sittings",
    Role.EMPLOYER: "demand:demands",
    Role.WORKER: "people:me",
}
