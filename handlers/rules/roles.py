"""Staff roles, the role sets the bot asks about, and who stands in for or above a person.

Sources: the people of manual 001 (KAMR §4.14.4, senior KAMR and department head §4.13 / §4.15, the zone
KAMR backing up office KAMRs §4.12.5), the close-out a manager certifies (VOC 04; 002 §3.2), the urgent
report to the decision maker (CRM-KAM-003) and the visit quotas only a person's own supervisor may move (002 §3.1.2(3)).
The role names are defined with the Staff table (storage/models.py), which the roster import checks.

Who answers for a person is a *chain*: steps asked in order until one names someone. A step is the
person's named supervisor or backup (Staff.supervisor_code / backup_code, taken when active and not
the person), or the first active holder of a role in the person's office (roles in the order given,
those on LINE first). The callers differ only in their chain:

* BACKUP, when a KAMR does not answer an outage (001 §4.12.5): the named backup, else the office's
  zone KAMR, a zone KAMR of any office of the zone (InZone, storage.models.Office), senior KAMR or
  department head;
* OVERSEER, told of overdue complaints (jobs/complaint_digest.py): the named supervisor, else BACKUP;
* CERTIFIER of a close-out recorded for the customer (VOC 04): the named supervisor, else the office's
  senior KAMR, department head or office manager;
* DECISION_MAKER of an urgent report (CRM-KAM-003): the office's manager on LINE, else the zone's
  director on LINE, else the office's manager, zone director or deputy governor, and only then the
  named supervisor.

The escalation chain of an outage ([escalation] levels, handlers/operations/escalating.py) asks
BACKUP for its "backup" step and holder_for_office for its role steps.

The reviews that happen by themselves go to every holder of a review role: the office's senior KAMRs
and department heads monthly, zone directors and zone KAMRs quarterly (001 flow chart step 6).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from storage import roster
from storage.models import Account, Staff

# Who steps in when a person does not answer, in order of preference (001 §4.12.5).
BACKUP_ROLES = ("zone_kamr", "senior_kamr", "dept_head")
# Supervise the office's KAMRs: may act on any account of their office (001 §4.13, §4.15).
SUPERVISING_ROLES = ("senior_kamr", "zone_kamr", "dept_head")
# Take the urgent report, in this order (CRM-KAM-003).
DECISION_ROLES = ("office_manager", "zone_director", "deputy_governor")
# May certify a close-out recorded for the customer, besides the recorder's own supervisor (VOC 04).
CERTIFYING_ROLES = ("senior_kamr", "dept_head", "office_manager")
# May log visits for every account of their office, or of the organisation (002 §3.1.2).
OFFICE_ROLES = ("office_manager", *SUPERVISING_ROLES)
ORG_WIDE_ROLES = ("zone_director", "deputy_governor")


@dataclass(frozen=True)
class Named:
    """The person named in this Staff field (a staff code)."""

    field: str


@dataclass(frozen=True)
class InOffice:
    """The first active holder of these roles in the person's office (on_line: only those on LINE)."""

    roles: tuple[str, ...]
    on_line: bool = False


@dataclass(frozen=True)
class InZone:
    """The first active holder of these roles in any office of the person's zone (issue 15: a zone
    KAMR backs up every office of the zone, not only the one whose code they carry)."""

    roles: tuple[str, ...]
    on_line: bool = False


Step = Named | InOffice | InZone
NAMED_SUPERVISOR = Named("supervisor_code")
NAMED_BACKUP = Named("backup_code")

BACKUP: tuple[Step, ...] = (NAMED_BACKUP, InOffice(BACKUP_ROLES[:1]), InZone(BACKUP_ROLES[:1]), InOffice(BACKUP_ROLES[1:]))
OVERSEER: tuple[Step, ...] = (NAMED_SUPERVISOR, *BACKUP)
CERTIFIER: tuple[Step, ...] = (NAMED_SUPERVISOR, InOffice(CERTIFYING_ROLES))
# The office manager on LINE, else the zone's director on LINE (CRM-KAM-003), else as before.
DECISION_MAKER: tuple[Step, ...] = (InOffice(DECISION_ROLES[:1], on_line=True), InZone(DECISION_ROLES[1:2], on_line=True),
                                    InOffice(DECISION_ROLES), NAMED_SUPERVISOR)


# Receive the reviews that happen by themselves (001 flow chart step 6; jobs/reviews.py, issue 17): the
# office's monthly summary, and the zone's quarterly one.
OFFICE_REVIEW_ROLES = ("senior_kamr", "dept_head")
ZONE_REVIEW_ROLES = ("zone_director", "zone_kamr")


def reviewers(session: Session, offices: set[str], review_roles: tuple[str, ...]) -> dict[str, list[Staff]]:
    """{office: its active holders of the review roles}, in role order."""
    holders = roster.active_in_roles(session, offices, review_roles)
    return {office: [person for role in review_roles for person in holders[(office, role)]] for office in offices}


def person_for(session: Session, person: Staff, chain: tuple[Step, ...]) -> Staff | None:
    """Who answers for `person` along `chain`, or None when no step names anyone."""
    return people_for(session, [person], chain)[person.id]


def people_for(session: Session, people: list[Staff], chain: tuple[Step, ...]) -> dict[int, Staff | None]:
    """person_for for many people, one query per step: {staff id: who answers for them or None}."""
    found: dict[int, Staff | None] = {person.id: None for person in people}
    for step in chain:
        waiting = [person for person in people if found[person.id] is None]
        if not waiting:
            break
        if isinstance(step, Named):
            named = roster.staff_by_codes(session, {code for p in waiting if (code := getattr(p, step.field))})
            for person in waiting:
                chosen = named.get(getattr(person, step.field) or "")
                if chosen is not None and chosen.active and chosen.id != person.id:
                    found[person.id] = chosen
        elif isinstance(step, InOffice):
            holders = roster.active_in_roles(session, {person.office for person in waiting}, step.roles)
            for person in waiting:
                found[person.id] = next((c for role in step.roles for c in holders[(person.office, role)]
                                         if c.id != person.id and (c.line_user_id or not step.on_line)), None)
        else:
            for person in waiting:
                found[person.id] = holder_in_zone(session, person.office, step.roles, on_line=step.on_line,
                                                  besides={person.id})
    return found


def holder_in_zone(session: Session, office: str, roles: tuple[str, ...], *, on_line: bool = False,
                   besides: set[int] = frozenset()) -> Staff | None:
    """The first active holder of `roles` (in that order) in any office of `office`'s zone, those on
    LINE first; None when the office has no zone."""
    offices = roster.offices_in_zone(session, roster.zone_of(session, office))
    if not offices:
        return None
    holders = roster.active_in_roles(session, offices, roles)
    for role in roles:
        candidates = sorted((c for (_, held), people in holders.items() if held == role for c in people),
                            key=lambda c: (c.line_user_id is None, c.id))
        chosen = next((c for c in candidates if c.id not in besides and (c.line_user_id or not on_line)), None)
        if chosen is not None:
            return chosen
    return None


def holder_for_office(session: Session, office: str, roles: tuple[str, ...], *, besides: set[int] = frozenset()) -> Staff | None:
    """The first active holder of `roles` for an office: in the office itself, else in its zone; those
    on LINE first (an escalation level, or an account with no KAMR)."""
    holders = roster.active_in_roles(session, {office}, roles)
    for role in roles:
        chosen = next((c for c in holders[(office, role)] if c.id not in besides), None)
        if chosen is not None and chosen.line_user_id:
            return chosen
    in_zone = holder_in_zone(session, office, roles, besides=besides)
    if in_zone is not None and in_zone.line_user_id:
        return in_zone
    return next((c for role in roles for c in holders[(office, role)] if c.id not in besides), None) or in_zone


def may_act_for_account(session: Session, staff: Staff, account: Account) -> bool:
    """The account's KAMR, that KAMR's backup, or a supervising role of the same office."""
    if account.kamr_id == staff.id:
        return True
    kamr = session.get(Staff, account.kamr_id) if account.kamr_id else None
    if kamr is not None:
        backup = person_for(session, kamr, BACKUP)
        if backup is not None and backup.id == staff.id:
            return True
    return staff.role in SUPERVISING_ROLES and staff.office == account.office


def _is_named_supervisor(staff: Staff, of: Staff) -> bool:
    return bool(of.supervisor_code) and of.supervisor_code == staff.staff_code


def may_certify(staff: Staff, recorder: Staff, account: Account) -> bool:
    """A close-out recorded for the customer is certified by someone else than the recorder: their named
    supervisor or a certifying role of the account's office (VOC 04)."""
    if staff.id == recorder.id:
        return False
    return _is_named_supervisor(staff, recorder) or (staff.role in CERTIFYING_ROLES and staff.office == account.office)


def may_move_targets(staff: Staff, person: Staff) -> bool:
    """Only the person's own supervisor (Staff.supervisor_code), never the person themself, moves their
    visit targets: "ผู้บังคับบัญชาแต่ละหน่วยงาน ... พิจารณาปรับแผนงานและเบี้ยหมาย" (002 §3.1.1, §3.1.2(3))."""
    return staff.id != person.id and staff.active and _is_named_supervisor(staff, person)
