"""Registered volunteers (志愿者) and their consents, with personal data kept out of sight.

==================  ==========================================================
record              what it is
==================  ==========================================================
:class:`Volunteer`  a registered volunteer. Its public id is a surrogate
                    volunteer number; the ID document number and the phone are
                    **sensitive**: never in ``repr``/``str``, logs, ``to_dict()``
                    or a default file dump (see :doc:`/personal-data`).
:class:`Consent`    a consent to a purpose: given on a date, separately for
                    sensitive data, by a guardian for a child under 14.
==================  ==========================================================

:class:`ResidentId` parses an 18-character resident ID number (GB 11643): the
address code, the birth date, the sequence (odd male, even female) and the
ISO 7064 MOD 11-2 check character. Other documents (passports, permits for
Hong Kong, Macao and Taiwan residents …) are typed by :class:`DocumentType`
and held without the check.

Examples
--------
>>> rid = ResidentId.parse("11010519491231002X")
>>> rid.birth_date, rid.sex.value
(datetime.date(1949, 12, 31), 'female')
>>> rid
ResidentId(<masked>)
>>> ResidentId.parse("110105194912310021")
Traceback (most recent call last):
...
wenming.errors.InvariantError: the check character of the ID number (the 18th) does not match \
characters 1-17 (ISO 7064 MOD 11-2); the number is mistyped
>>> v = Volunteer(id="ZY-000001", name="王芳", registered="2023-03-05",
...               id_number="11010519491231002X", phone="13800000000")
>>> v
Volunteer(id='ZY-000001', name='王芳', sex=<Sex.FEMALE: 'female'>, \
birth_date=datetime.date(1949, 12, 31), residence=None, skills=frozenset(), \
categories=frozenset(), registered=datetime.date(2023, 3, 5), \
status=<VolunteerStatus.ACTIVE: 'active'>, status_since=None, \
id_type=<DocumentType.RESIDENT: 'resident'>)
>>> "id_number" in v.to_dict(), "phone" in v.to_dict()
(False, False)
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import attrs

from wenming import _converters as conv
from wenming._fields import DateLike, as_date, check_identifier, optional_text, text, to_enum
from wenming._plain import SENSITIVE, to_plain
from wenming.divisions import DivisionCode
from wenming.errors import InvariantError, Issue, Severity, UnknownIdError
from wenming.ids import ConsentId, VolunteerId
from wenming.section import Index, Ref, Section, ValidationContext, error

if TYPE_CHECKING:
    from wenming.network import Network

__all__ = [
    "CONSENTS",
    "GUARDIAN_AGE",
    "VOLUNTEERS",
    "Consent",
    "DocumentType",
    "ResidentId",
    "Sex",
    "Volunteer",
    "VolunteerStatus",
    "consents_of",
    "registered_volunteers",
]

GUARDIAN_AGE = 14
"""Under this age a volunteer's registration needs a guardian's consent."""


class Sex(enum.StrEnum):
    """A volunteer's sex as the profile records it."""

    MALE = "male"
    FEMALE = "female"


class DocumentType(enum.StrEnum):
    """The kind of identity document a volunteer registered with."""

    RESIDENT = "resident"
    """居民身份证: the 18-character resident ID, checked (:class:`ResidentId`)."""
    PASSPORT = "passport"
    """护照."""
    HK_MACAO = "hk_macao_permit"
    """港澳居民来往内地通行证 / 居住证."""
    TAIWAN = "taiwan_permit"
    """台湾居民来往大陆通行证 / 居住证."""
    FOREIGN_PERMANENT = "foreign_permanent"
    """外国人永久居留身份证."""
    OTHER = "other"


class VolunteerStatus(enum.StrEnum):
    """Where a volunteer's registration stands (from :attr:`Volunteer.status_since`)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    """暂停: still registered, but not serving."""
    WITHDRAWN = "withdrawn"
    """注销: no longer registered."""


# ---------------------------------------------------------------------------- resident ID

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def _id_error(field: str, message: str) -> InvariantError:
    # Never carry the number itself: not in the message, not in ``.value``.
    return InvariantError(message, field=field, value=None)


class ResidentId:
    """A checked 18-character resident ID number (居民身份证号码, GB 11643).

    Its ``repr`` and ``str`` are masked; :attr:`number` gives the number itself
    to a caller who asks for it by name.

    Examples
    --------
    >>> ResidentId.check_character("11010519491231002")
    'X'
    >>> ResidentId.parse("11010519491231002x").number
    '11010519491231002X'
    >>> ResidentId.parse("1101051949123100")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: a resident ID number has 18 characters, \
this one has 16
    >>> ResidentId.parse("110105194902300028")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: characters 7-14 of the ID number (the birth date) are not a \
real date
    """

    __slots__ = ("_birth", "_number")

    _number: str
    _birth: dt.date

    def __init__(self, number: str, birth: dt.date) -> None:
        self._number = number
        self._birth = birth

    @staticmethod
    def check_character(first17: str) -> str:
        """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
        total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
        return _CHECK[total % 11]

    @classmethod
    def build(cls, address_code: str, birth_date: dt.date, sequence: int) -> ResidentId:
        """Compose a valid number (test data, synthetic registries): the check is computed.

        Examples
        --------
        >>> ResidentId.build("110105", dt.date(1949, 12, 31), 2).sex.value
        'female'
        """
        first17 = f"{address_code}{birth_date:%Y%m%d}{sequence:03d}"
        return cls.parse(first17 + cls.check_character(first17))

    @classmethod
    def parse(cls, value: object, *, field: str = "id_number") -> ResidentId:
        """Check and parse a resident ID number; lower-case ``x`` is accepted.

        Raises
        ------
        InvariantError
            Not a string, a wrong length, a non-digit, an address code that
            cannot be, an impossible birth date or a wrong check character — the
            message says which, and never repeats the number.
        """
        if not isinstance(value, str):
            raise _id_error(field, f"a resident ID number is text, not {type(value).__name__}")
        number = value.strip().upper()
        if len(number) != 18:
            raise _id_error(
                field, f"a resident ID number has 18 characters, this one has {len(number)}"
            )
        for i, char in enumerate(number[:17], start=1):
            if not ("0" <= char <= "9"):
                raise _id_error(
                    field, f"character {i} of the ID number is not a digit (1-17 are digits)"
                )
        if not ("0" <= number[17] <= "9" or number[17] == "X"):
            raise _id_error(
                field, "the 18th character of the ID number (the check character) is a digit or X"
            )
        if number[0] == "0":
            raise _id_error(
                field, "characters 1-6 of the ID number (the address code) cannot start with 0"
            )
        try:
            birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            birth = None
        if birth is None or birth.year < 1900:
            raise _id_error(
                field, "characters 7-14 of the ID number (the birth date) are not a real date"
            )
        if cls.check_character(number[:17]) != number[17]:
            raise _id_error(
                field,
                "the check character of the ID number (the 18th) does not match characters 1-17 "
                "(ISO 7064 MOD 11-2); the number is mistyped",
            )
        return cls(number, birth)

    @property
    def number(self) -> str:
        """The number itself (sensitive: keep it out of logs and exports)."""
        return self._number

    @property
    def address_code(self) -> str:
        """Characters 1-6: the county where the number was first issued."""
        return self._number[:6]

    @property
    def birth_date(self) -> dt.date:
        """Characters 7-14."""
        return self._birth

    @property
    def sequence(self) -> str:
        """Characters 15-17: odd for a man, even for a woman."""
        return self._number[14:17]

    @property
    def sex(self) -> Sex:
        """From the sequence's last digit."""
        return Sex.MALE if int(self._number[16]) % 2 else Sex.FEMALE

    def masked(self) -> str:
        """The last four characters only, for a person checking their own record."""
        return "*" * 14 + self._number[14:]

    def __repr__(self) -> str:
        return "ResidentId(<masked>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ResidentId) and other._number == self._number

    def __hash__(self) -> int:
        return hash(("ResidentId", self._number))


def _looks_like_resident_id(value: str) -> bool:
    try:
        ResidentId.parse(value)
    except InvariantError:
        return False
    return True


# ---------------------------------------------------------------------------- converters


def _volunteer_key(value: str) -> VolunteerId:
    key = VolunteerId(check_identifier("id", value))
    if len(key) == 18 and _looks_like_resident_id(key):
        raise _id_error(
            "id",
            "this looks like a resident ID number; a volunteer's public id is a "
            "surrogate volunteer number",
        )
    return key


def _sex(value: object) -> Sex | None:
    return None if value is None else to_enum(Sex, "sex", value)


def _birth_date(value: object) -> dt.date | None:
    return conv.to_date(value, "birth_date")


def _registered(value: object) -> dt.date:
    return conv.to_required_date(value, "registered")


def _status(value: object) -> VolunteerStatus:
    return to_enum(VolunteerStatus, "status", value)


def _status_since(value: object) -> dt.date | None:
    return conv.to_date(value, "status_since")


def _residence(value: str | None) -> DivisionCode | None:
    return conv.to_division(value, "residence")


def _skills(value: object) -> frozenset[str]:
    return conv.to_texts(value, "skills")


def _categories(value: object) -> frozenset[str]:
    return conv.to_texts(value, "categories")


def _id_type(value: object) -> DocumentType:
    return to_enum(DocumentType, "id_type", value)


def _id_number(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, ResidentId):
        return value.number
    if not isinstance(value, str):
        raise _id_error("id_number", f"an ID number is text, not {type(value).__name__}")
    return value.strip().upper()


def _phone(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _id_error("phone", f"a phone number is text, not {type(value).__name__}")
    phone = value.strip()
    digits = sum(c.isdigit() for c in phone)
    if not (5 <= digits <= 20) or any(not (c.isdigit() or c in "+-() ") for c in phone):
        raise _id_error("phone", "a phone number has 5-20 digits and only + - ( ) or spaces")
    return phone


def _check_document(instance: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is None:
        return
    if instance.id_type is DocumentType.RESIDENT:
        ResidentId.parse(value, field="id_number")
        return
    if not (4 <= len(value) <= 30) or not all(c.isalnum() or c in "-() " for c in value):
        raise _id_error(
            "id_number",
            f"a {instance.id_type.value} number has 4-30 letters, digits, hyphens or spaces",
        )


def _status_dates(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        if instance.status is not VolunteerStatus.ACTIVE:
            raise InvariantError(
                f"status_since is required when status is {instance.status.value}",
                field="status_since",
            )
        return
    conv.not_before("registered")(instance, attribute, value)


# ---------------------------------------------------------------------------- records


def _sensitive(converter: Any, validator: Any = None) -> Any:
    """A sensitive field: optional, never in repr, left out of default dumps."""
    return attrs.field(
        default=None,
        converter=converter,
        validator=validator,
        repr=False,
        metadata={SENSITIVE: True},
    )


@attrs.frozen(kw_only=True)
class Volunteer:
    """A registered volunteer (注册志愿者).

    Parameters
    ----------
    id : VolunteerId
        The surrogate volunteer number (志愿者编号): the public identifier. An
        ID-card number is refused here.
    name : str
        The volunteer's name.
    sex : Sex, optional
        Derived from a resident ID number when not given.
    birth_date : datetime.date, optional
        Derived from a resident ID number when not given; must agree with it.
    residence : DivisionCode, optional
        Where the volunteer lives (a division of the network).
    skills, categories : frozenset of str
        Skills (医疗, 法律 …) and the service categories the volunteer offers.
    registered : datetime.date
        The registration date.
    status : VolunteerStatus
        Active (default), suspended or withdrawn …
    status_since : datetime.date, optional
        … since this date (required unless active; not before ``registered``).
    id_type : DocumentType
        The identity document (a resident ID by default).
    id_number : str, optional
        **Sensitive.** The document number; a resident ID number is checked
        (:meth:`ResidentId.parse`). Left out of repr, ``to_dict()`` and default dumps.
    phone : str, optional
        **Sensitive.** Left out of repr, ``to_dict()`` and default dumps.

    Raises
    ------
    InvariantError
        A malformed ID number (the message says which part, never the number),
        a birth date or sex that disagrees with it, a non-active status without
        its date.
    """

    id: VolunteerId = attrs.field(converter=_volunteer_key)
    name: str = attrs.field(validator=text)
    sex: Sex | None = attrs.field(default=None, converter=_sex)
    birth_date: dt.date | None = attrs.field(default=None, converter=_birth_date)
    residence: DivisionCode | None = attrs.field(default=None, converter=_residence)
    skills: frozenset[str] = attrs.field(factory=frozenset, converter=_skills)
    categories: frozenset[str] = attrs.field(factory=frozenset, converter=_categories)
    registered: dt.date = attrs.field(converter=_registered)
    status: VolunteerStatus = attrs.field(default=VolunteerStatus.ACTIVE, converter=_status)
    status_since: dt.date | None = attrs.field(
        default=None, converter=_status_since, validator=_status_dates
    )
    id_type: DocumentType = attrs.field(default=DocumentType.RESIDENT, converter=_id_type)
    id_number: str | None = _sensitive(_id_number, _check_document)
    phone: str | None = _sensitive(_phone)

    def __attrs_post_init__(self) -> None:
        if self.id_number is None or self.id_type is not DocumentType.RESIDENT:
            return
        rid = ResidentId.parse(self.id_number)
        if self.birth_date is None:
            object.__setattr__(self, "birth_date", rid.birth_date)
        elif self.birth_date != rid.birth_date:
            raise InvariantError(
                "birth_date does not agree with the birth date in id_number", field="birth_date"
            )
        if self.sex is None:
            object.__setattr__(self, "sex", rid.sex)
        elif self.sex is not rid.sex:
            raise InvariantError("sex does not agree with id_number", field="sex")

    @property
    def document(self) -> ResidentId | None:
        """The resident ID, parsed (``None`` for another document type or none)."""
        if self.id_number is None or self.id_type is not DocumentType.RESIDENT:
            return None
        return ResidentId.parse(self.id_number)

    def registered_on(self, day: DateLike) -> bool:
        """True if the volunteer is registered on ``day`` (suspended counts; withdrawn not)."""
        when = as_date(day) or dt.date.today()
        if when < self.registered:
            return False
        since = self.status_since
        return not (
            self.status is VolunteerStatus.WITHDRAWN and since is not None and since <= when
        )

    def active_on(self, day: DateLike) -> bool:
        """True if registered on ``day`` and not suspended then."""
        when = as_date(day) or dt.date.today()
        if not self.registered_on(when):
            return False
        since = self.status_since
        return not (
            self.status is VolunteerStatus.SUSPENDED and since is not None and since <= when
        )

    def age_on(self, day: DateLike) -> int | None:
        """Whole years of age on ``day`` (``None`` without a birth date)."""
        when = as_date(day) or dt.date.today()
        return None if self.birth_date is None else conv.age_on(self.birth_date, when)

    def to_dict(self, *, sensitive: bool = False) -> dict[str, Any]:
        """Return the volunteer as the file format writes it (no ID number, no phone).

        ``sensitive=True`` includes them (as ``wenming.dumps(..., sensitive=True)``).
        """
        return to_plain(self, sensitive=sensitive)


def _consent_key(value: str) -> ConsentId:
    return ConsentId(check_identifier("id", value))


def _consent_volunteer(value: str) -> VolunteerId:
    return VolunteerId(check_identifier("volunteer", value))


def _given(value: object) -> dt.date:
    return conv.to_required_date(value, "given")


def _withdrawn(value: object) -> dt.date | None:
    return conv.to_date(value, "withdrawn")


@attrs.frozen(kw_only=True)
class Consent:
    """A volunteer's (or a guardian's) consent to the use of their data for a purpose.

    Parameters
    ----------
    id : ConsentId
        Unique among consents.
    volunteer : VolunteerId
        Whose data.
    purpose : str
        What it is for (``"志愿服务信息登记"``).
    given : datetime.date
        The day it was given.
    sensitive : bool
        It is the separate consent for sensitive data (ID number, phone).
    by_guardian : bool
        Given by a guardian (needed for a volunteer under 14).
    withdrawn : datetime.date, optional
        The day it was withdrawn (after ``given``).

    Examples
    --------
    >>> Consent(id="c1", volunteer="ZY-000001", purpose="志愿服务信息登记",
    ...         given="2023-03-05", sensitive=True).in_force_on("2024-01-01")
    True
    """

    id: ConsentId = attrs.field(converter=_consent_key)
    volunteer: VolunteerId = attrs.field(converter=_consent_volunteer)
    purpose: str = attrs.field(validator=text)
    given: dt.date = attrs.field(converter=_given)
    sensitive: bool = attrs.field(default=False, validator=conv.flag)
    by_guardian: bool = attrs.field(default=False, validator=conv.flag)
    withdrawn: dt.date | None = attrs.field(
        default=None, converter=_withdrawn, validator=conv.not_before("given")
    )
    note: str | None = attrs.field(default=None, validator=optional_text, repr=False)

    def in_force_on(self, day: DateLike) -> bool:
        """True if given by ``day`` and not withdrawn by then."""
        when = as_date(day) or dt.date.today()
        return self.given <= when and (self.withdrawn is None or when < self.withdrawn)

    def to_dict(self) -> dict[str, Any]:
        """Return the consent as the file format writes it."""
        return to_plain(self)


# ---------------------------------------------------------------------------- queries


def registered_volunteers(network: Network, as_of: DateLike = None) -> tuple[Volunteer, ...]:
    """The volunteers registered on a day (``as_of=None``: today), by id."""
    day = as_date(as_of) or dt.date.today()
    table: Mapping[str, Volunteer] = network.table("volunteers")
    return tuple(v for _, v in sorted(table.items()) if v.registered_on(day))


def consents_of(network: Network, volunteer: Volunteer | str) -> tuple[Consent, ...]:
    """A volunteer's consents, by date given.

    Raises
    ------
    UnknownIdError
        The network holds no such volunteer.
    """
    key = volunteer.id if isinstance(volunteer, Volunteer) else volunteer
    if key not in network.table("volunteers"):
        raise UnknownIdError("volunteer", str(key))
    table: Mapping[str, Consent] = network.table("consents")
    keys = network._index("consents", "by_volunteer").get(key, ())
    return tuple(sorted((table[k] for k in keys), key=attrgetter("given", "id")))


# ---------------------------------------------------------------------------- validation


def _consents_by_volunteer(ctx: ValidationContext) -> dict[str, list[Consent]]:
    out: dict[str, list[Consent]] = {}
    for consent in ctx.records.of("consents"):
        out.setdefault(consent.volunteer, []).append(consent)
    return out


def _rule_minor_consent(ctx: ValidationContext) -> Iterator[Issue]:
    """A volunteer under 14 at registration needs a guardian's consent given by then."""
    consents = _consents_by_volunteer(ctx)
    for i, v in enumerate(ctx.records.of("volunteers")):
        if v.birth_date is None or conv.age_on(v.birth_date, v.registered) >= GUARDIAN_AGE:
            continue
        if any(c.by_guardian and c.in_force_on(v.registered) for c in consents.get(v.id, ())):
            continue
        yield error(
            "minor-without-guardian-consent",
            f"volunteer '{v.id}' was under {GUARDIAN_AGE} when registered on {v.registered} "
            "and has no guardian's consent given by then",
            v.id,
            ctx.path("volunteers", i, "birth_date"),
        )


def _rule_sensitive_consent(ctx: ValidationContext) -> Iterator[Issue]:
    """An ID number or phone is held only with a separate consent for sensitive data."""
    consents = _consents_by_volunteer(ctx)
    for i, v in enumerate(ctx.records.of("volunteers")):
        field = "id_number" if v.id_number is not None else "phone" if v.phone else None
        if field is None:
            continue
        if any(c.sensitive and c.withdrawn is None for c in consents.get(v.id, ())):
            continue
        yield Issue(
            code="sensitive-without-consent",
            severity=Severity.WARNING,
            message=(
                f"volunteer '{v.id}' has sensitive data ({field}) but no separate consent "
                "for sensitive data in force"
            ),
            subject=v.id,
            path=ctx.path("volunteers", i, field),
        )


# ---------------------------------------------------------------------------- sections


def _parse_volunteer(value: Any) -> VolunteerId:
    return VolunteerId(check_identifier("id", value))


def _parse_consent(value: Any) -> ConsentId:
    return ConsentId(check_identifier("id", value))


def _volunteer_exists(volunteer: Volunteer, day: dt.date) -> bool:
    return volunteer.registered_on(day)


VOLUNTEERS: Section[VolunteerId, Volunteer] = Section(
    name="volunteers",
    noun="volunteer",
    types=(Volunteer,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse_volunteer,
    order=attrgetter("id"),
    refs=(
        Ref(
            field="residence",
            target="divisions",
            code="unknown-residence",
            index="by_residence",
        ),
    ),
    indexes=(Index(name="by_residence", key=attrgetter("residence")),),
    rules=(
        ("minor-without-guardian-consent", _rule_minor_consent),
        ("sensitive-without-consent", _rule_sensitive_consent),
    ),
    exists_on=_volunteer_exists,
    repr_empty=False,
)
"""The ``volunteers`` section: registered volunteers, by volunteer number."""

CONSENTS: Section[ConsentId, Consent] = Section(
    name="consents",
    noun="consent",
    types=(Consent,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse_consent,
    order=attrgetter("volunteer", "given", "id"),
    refs=(
        Ref(
            field="volunteer",
            target="volunteers",
            code="unknown-consent-volunteer",
            index="by_volunteer",
        ),
    ),
    indexes=(Index(name="by_volunteer", key=attrgetter("volunteer")),),
    repr_empty=False,
)
"""The ``consents`` section: who consented to what, when."""
