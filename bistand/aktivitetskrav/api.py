"""Aktivitetskrav in the REST API: included under /api/v1/ in the ``api`` namespace
(bistand/api/urls.py); each route is named "aktivitetskrav-…".

Same rules as the pages: staff with a role; an application the user does not see is 404, and so
is a person who is not an adult of its case; recording needs a role that decides (403 for
read-only roles). Reading a case's data writes the access log (purpose "API"). The figures are
for team leads, administrators and granskare (as the follow-up), counts only.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from bistand.api.schema_limits import SMALLINT
from bistand.audit.services import Actor, record_access
from bistand.cases.models import Person
from bistand.staff import access

from . import figures, services
from .models import (
    AbsenceReason,
    Activity,
    ActivityKind,
    Attendance,
    AttendanceSource,
    CertificateStatus,
    Exemption,
    ExemptionGround,
    MedicalCertificate,
    Plan,
    ReasonAssessment,
)

TAG = "Aktivitetskrav"
PURPOSE = "API"
FORBIDDEN = OpenApiResponse(description="Inte inloggad, utan roll, eller bara läsbehörighet.")
NOT_FOUND = OpenApiResponse(description="Finns inte, eller du får inte se det.")
BAD = OpenApiResponse(description="Ogiltiga uppgifter; meddelandet säger varför.")


class ActivitySerializer(serializers.ModelSerializer):
    # named as the API's other kinds (notice_kind, reconsideration_kind): a second field called
    # "kind" would collide with the application's in the schema's enum names
    activity_kind = serializers.ChoiceField(source="kind", choices=ActivityKind.choices)
    hours_per_week = serializers.IntegerField(min_value=1, max_value=40)

    class Meta:
        model = Activity
        fields = ("id", "activity_kind", "provider", "hours_per_week", "start", "end")
        read_only_fields = ("id",)


class PlanSerializer(serializers.ModelSerializer):
    activities = ActivitySerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = ("id", "person", "goal", "capacity", "created_at", "updated_at", "activities")
        read_only_fields = ("id", "person", "created_at", "updated_at", "activities")


class ExemptionSerializer(serializers.ModelSerializer):
    ground = serializers.ChoiceField(choices=ExemptionGround.choices)

    class Meta:
        model = Exemption
        fields = ("id", "person", "ground", "text", "valid_from", "valid_to", "recorded_at")
        read_only_fields = ("id", "person", "recorded_at")


class AttendanceSerializer(serializers.ModelSerializer):
    activity = serializers.PrimaryKeyRelatedField(
        queryset=Activity.objects.all(), required=False, allow_null=True
    )
    reason_kind = serializers.ChoiceField(
        choices=AbsenceReason.choices, required=False, allow_blank=True
    )
    assessment = serializers.ChoiceField(
        choices=ReasonAssessment.choices, required=False, default=ReasonAssessment.PENDING
    )
    source = serializers.ChoiceField(
        choices=[
            (AttendanceSource.CASEWORKER, "handläggaren"),
            (AttendanceSource.PROVIDER, "anordnaren"),
        ],
        default=AttendanceSource.CASEWORKER,
    )

    class Meta:
        model = Attendance
        extra_kwargs = {"hours": SMALLINT}  # the same schema on SQLite and PostgreSQL
        fields = (
            "id",
            "person",
            "activity",
            "day",
            "month",
            "present",
            "hours",
            "reason_kind",
            "reason",
            "assessment",
            "source",
            "recorded_at",
        )
        read_only_fields = ("id", "person", "month", "recorded_at")


class CertificateSerializer(serializers.ModelSerializer):
    class Meta:
        model = MedicalCertificate
        fields = (
            "id",
            "person",
            "application",
            "attachment",
            "valid_from",
            "valid_until",
            "submitted_at",
            "status",
            "accepted_until",
            "note",
            "assessed_at",
        )
        read_only_fields = fields


class CertificateAssessmentSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            (CertificateStatus.ACCEPTED, "godtas"),
            (CertificateStatus.REJECTED, "godtas inte"),
        ]
    )
    accepted_until = serializers.DateField(
        required=False, allow_null=True, help_text="Krävs när intyget godtas."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AbsenceAssessmentSerializer(serializers.Serializer):
    assessment = serializers.ChoiceField(
        choices=[
            (ReasonAssessment.ACCEPTED, "godtaget skäl"),
            (ReasonAssessment.NOT_ACCEPTED, "inte godtaget skäl"),
        ]
    )


class PersonStatusSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text="Personens id (aldrig personnumret).")
    name = serializers.CharField()
    months_in_row = serializers.ListField(child=serializers.CharField())
    threshold = serializers.IntegerField()
    in_force = serializers.BooleanField(help_text="Kravet tillämpas för månaden.")
    covered = serializers.BooleanField(help_text="Aktivitetskravet gäller personen.")
    explanation = serializers.CharField()
    exemptions = ExemptionSerializer(many=True)
    plan = PlanSerializer(allow_null=True)


class FiguresSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField()
    adults = serializers.IntegerField()
    covered = serializers.IntegerField()
    covered_with_plan = serializers.IntegerField()
    exempt = serializers.IntegerField()
    hours_offered = serializers.CharField(help_text="Timmar, en decimal.")
    attendance_days = serializers.IntegerField()
    absence_days = serializers.IntegerField()
    absences_by_reason = serializers.DictField(child=serializers.IntegerField())
    absences_not_accepted = serializers.IntegerField()
    reductions = serializers.IntegerField()
    refusals = serializers.IntegerField()


def _application(request, pk: int, *, act: bool = False):
    application = get_object_or_404(
        access.applications_visible_to(request.user).select_related("case__household"), pk=pk
    )
    if act and not access.can_decide(request.user):
        raise ApiPermissionDenied("Du har bara läsbehörighet.")
    record_access(request.user, case_id=application.case_id, purpose=PURPOSE, view="api")
    return application


def _person(application, person_id: int) -> Person:
    if not services.is_adult_of(application.case, person_id):
        raise Http404("Personen finns inte i ärendet.")
    return get_object_or_404(Person, pk=person_id)


def _invalid(exc: services.AktivitetskravError) -> ValidationError:
    return ValidationError({"detail": exc.messages[0]})


class ApplicationStatusView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Aktivitetskravet för en ansökans vuxna",
        description="Per sökande och medsökande: månader i följd med försörjningsstöd, om "
        "kravet gäller och varför, undantag och planen. Läsningen loggas.",
        responses={200: PersonStatusSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        application = _application(request, pk)
        adults = services.adults_of(application.case, application.month)
        pairs = [(p.pk, application.month) for p in adults]
        found = services.statuses(pairs, cases=dict.fromkeys(pairs, application.case_id))
        rows = []
        for person in adults:
            st = found[(person.pk, application.month)]
            rows.append(
                {
                    "person": person.pk,
                    "name": f"{person.given_name} {person.family_name}".strip(),
                    "months_in_row": st.months_in_row,
                    "threshold": st.threshold,
                    "in_force": st.in_force,
                    "covered": st.covered,
                    "explanation": st.explanation,
                    "exemptions": ExemptionSerializer(st.exemptions, many=True).data,
                    "plan": PlanSerializer(st.plan).data if st.plan else None,
                }
            )
        return Response(rows)


class PlanView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Personens individuella plan",
        responses={200: PlanSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int, person_id: int):
        application = _application(request, pk)
        person = _person(application, person_id)
        plan = Plan.objects.filter(case=application.case, person=person).first()
        if plan is None:
            raise Http404("Personen har ingen plan.")
        return Response(PlanSerializer(plan).data)

    @extend_schema(
        tags=[TAG],
        summary="Spara personens plan (mål och anpassning)",
        description="Skapar eller ändrar planen. Kräver en roll som beslutar.",
        request=PlanSerializer,
        responses={200: PlanSerializer, 400: BAD, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def put(self, request, pk: int, person_id: int):
        application = _application(request, pk, act=True)
        person = _person(application, person_id)
        data = PlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            plan = services.save_plan(
                application.case,
                person,
                goal=data.validated_data["goal"],
                capacity=data.validated_data.get("capacity", ""),
                actor=Actor.user(request.user),
            )
        except services.AktivitetskravError as exc:
            raise _invalid(exc) from None
        return Response(PlanSerializer(plan).data)


class ActivitiesView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Lägg till en aktivitet i planen",
        description="Ett av fyra slag, anordnare, timmar per vecka (1–40) och period. Kräver en "
        "roll som beslutar; planen måste finnas.",
        request=ActivitySerializer,
        responses={201: ActivitySerializer, 400: BAD, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int, person_id: int):
        application = _application(request, pk, act=True)
        person = _person(application, person_id)
        plan = Plan.objects.filter(case=application.case, person=person).first()
        if plan is None:
            raise Http404("Personen har ingen plan.")
        data = ActivitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            activity = services.add_activity(
                plan,
                kind=v["kind"],
                provider=v["provider"],
                hours_per_week=v["hours_per_week"],
                start=v["start"],
                end=v.get("end"),
                actor=Actor.user(request.user),
            )
        except services.AktivitetskravError as exc:
            raise _invalid(exc) from None
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


class AttendanceView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Personens närvaro och frånvaro i ärendet",
        parameters=[OpenApiParameter("month", str, description="ÅÅÅÅ-MM (frivilligt)")],
        responses={200: AttendanceSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int, person_id: int):
        application = _application(request, pk)
        person = _person(application, person_id)
        rows = Attendance.objects.filter(case=application.case, person=person)
        if request.query_params.get("month"):
            rows = rows.filter(month=request.query_params["month"])
        return Response(AttendanceSerializer(rows, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Registrera närvaro eller frånvaro",
        description="Från anordnaren eller handläggaren; frånvaro kräver ett skäl "
        "(reason_kind). Kräver en roll som beslutar.",
        request=AttendanceSerializer,
        responses={201: AttendanceSerializer, 400: BAD, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int, person_id: int):
        application = _application(request, pk, act=True)
        person = _person(application, person_id)
        data = AttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            row = services.record_attendance(
                application.case,
                person,
                day=v["day"],
                present=v["present"],
                source=v["source"],
                actor=Actor.user(request.user),
                activity=v.get("activity"),
                hours=v.get("hours"),
                reason_kind=v.get("reason_kind", ""),
                reason=v.get("reason", ""),
                assessment=v.get("assessment", ReasonAssessment.PENDING),
            )
        except services.AktivitetskravError as exc:
            raise _invalid(exc) from None
        return Response(AttendanceSerializer(row).data, status=status.HTTP_201_CREATED)


class ExemptionsView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Personens undantag från aktivitetskravet",
        responses={200: ExemptionSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int, person_id: int):
        application = _application(request, pk)
        person = _person(application, person_id)
        rows = Exemption.objects.filter(case=application.case, person=person)
        return Response(ExemptionSerializer(rows, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Registrera ett undantag",
        description="Grund och period; Annat skäl kräver en beskrivning. Kräver en roll som "
        "beslutar.",
        request=ExemptionSerializer,
        responses={201: ExemptionSerializer, 400: BAD, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int, person_id: int):
        application = _application(request, pk, act=True)
        person = _person(application, person_id)
        data = ExemptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            row = services.add_exemption(
                application.case,
                person,
                ground=v["ground"],
                valid_from=v["valid_from"],
                valid_to=v.get("valid_to"),
                text=v.get("text", ""),
                actor=Actor.user(request.user),
            )
        except services.AktivitetskravError as exc:
            raise _invalid(exc) from None
        return Response(ExemptionSerializer(row).data, status=status.HTTP_201_CREATED)


class CertificatesView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Personens läkarintyg i ärendet",
        description="Hälsouppgifter: bara för den som ser ärendet; läsningen loggas.",
        responses={200: CertificateSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int, person_id: int):
        application = _application(request, pk)
        person = _person(application, person_id)
        rows = MedicalCertificate.objects.filter(case=application.case, person=person)
        return Response(CertificateSerializer(rows, many=True).data)


class CertificateAssessmentView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Bedöm ett läkarintyg",
        description="Godtas (till ett datum) eller inte, med anteckning. Kräver en roll som "
        "beslutar.",
        request=CertificateAssessmentSerializer,
        responses={200: CertificateSerializer, 400: BAD, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int, certificate_id: int):
        application = _application(request, pk, act=True)
        found = get_object_or_404(MedicalCertificate, pk=certificate_id, case=application.case)
        data = CertificateAssessmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            services.assess_certificate(
                found,
                status=v["status"],
                accepted_until=v.get("accepted_until"),
                note=v.get("note", ""),
                actor=Actor.user(request.user),
            )
        except services.AktivitetskravError as exc:
            raise _invalid(exc) from None
        return Response(CertificateSerializer(found).data)


class AbsenceAssessmentView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Bedöm skälet till en frånvaro",
        description="Godtaget eller inte godtaget skäl. Kräver en roll som beslutar.",
        request=AbsenceAssessmentSerializer,
        responses={200: AttendanceSerializer, 400: BAD, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int, attendance_id: int):
        application = _application(request, pk, act=True)
        row = get_object_or_404(Attendance, pk=attendance_id, case=application.case)
        data = AbsenceAssessmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.assess_absence(
                row, assessment=data.validated_data["assessment"], actor=Actor.user(request.user)
            )
        except services.AktivitetskravError as exc:
            raise _invalid(exc) from None
        return Response(AttendanceSerializer(row).data)


class FiguresView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Månadens uppgifter om aktivitetskravet per enhet (för IVO och nämnden)",
        description="Samma som sidan /handlaggning/aktivitetskrav/ivo/: gruppledare sina "
        "enheter, administratörer och granskare hela kommunen. Bara antal.",
        parameters=[OpenApiParameter("month", str, description="ÅÅÅÅ-MM; utan: denna månad")],
        responses={200: FiguresSerializer(many=True), 400: BAD, 403: FORBIDDEN},
    )
    def get(self, request):
        from bistand.followup import access as followup_access

        if not access.has_role(request.user, *followup_access.ROLES):
            raise ApiPermissionDenied(
                "Uppgifterna är för gruppledare, administratörer och granskare."
            )
        staff = access.profile(request.user)
        month = request.query_params.get("month") or f"{timezone.localdate():%Y-%m}"
        try:
            services.parameters(month)
        except Exception:
            raise ValidationError({"month": "Ange månaden som ÅÅÅÅ-MM, t.ex. 2026-10."}) from None
        rows = figures.month_figures(
            staff.municipality_id, month, followup_access.allowed_units(request.user)
        )
        return Response([r.as_dict() for r in rows])


PERSON = "aktivitetskrav/applications/<int:pk>/persons/<int:person_id>/"

urlpatterns = [
    path(
        "aktivitetskrav/applications/<int:pk>/",
        ApplicationStatusView.as_view(),
        name="aktivitetskrav-application",
    ),
    path(f"{PERSON}plan/", PlanView.as_view(), name="aktivitetskrav-plan"),
    path(f"{PERSON}plan/activities/", ActivitiesView.as_view(), name="aktivitetskrav-activities"),
    path(f"{PERSON}attendance/", AttendanceView.as_view(), name="aktivitetskrav-attendance"),
    path(f"{PERSON}exemptions/", ExemptionsView.as_view(), name="aktivitetskrav-exemptions"),
    path(f"{PERSON}certificates/", CertificatesView.as_view(), name="aktivitetskrav-certificates"),
    path(
        "aktivitetskrav/applications/<int:pk>/certificates/<int:certificate_id>/assessment/",
        CertificateAssessmentView.as_view(),
        name="aktivitetskrav-certificate-assessment",
    ),
    path(
        "aktivitetskrav/applications/<int:pk>/attendance/<int:attendance_id>/assessment/",
        AbsenceAssessmentView.as_view(),
        name="aktivitetskrav-absence-assessment",
    ),
    path("aktivitetskrav/figures/", FiguresView.as_view(), name="aktivitetskrav-figures"),
]
