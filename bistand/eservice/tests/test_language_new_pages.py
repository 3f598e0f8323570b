"""The panels and pages the later apps put on Mina sidor (aviseringar, akut hjälp and its
appeal, planeringsmöte, kommunicering, överklagande) speak English when the applicant has chosen it
with the language form, and Swedish otherwise: for each, its English text is shown and not the
Swedish one, and with the Swedish cookie the Swedish text as before. Each uses the apps' own
test fixtures, so every panel has something to show."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from bistand.appeals import services as appeals
from bistand.appeals.models import Appeal
from bistand.appeals.tests.conftest import decided  # noqa: F401 - fixture
from bistand.cases import seeding
from bistand.cases.models import Person
from bistand.kommunicering import services as kommunicering
from bistand.kommunicering.models import Kommunicering
from bistand.kommunicering.tests.conftest import capped  # noqa: F401 - fixture
from bistand.planning.models import Slot
from bistand.planning.tests.conftest import log_in_applicant, nyansokan
from bistand.urgent import services as urgent
from bistand.urgent.models import UrgentRequest
from bistand.workspace.tests.conftest import APPLICANT, world  # noqa: F401 - fixture

HOME = "/mina-sidor/"


def in_language(client, language: str, url: str, data: dict | None = None, status=200) -> str:
    """The page as the applicant sees it with the language cookie set to ``language``."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url) if data is None else client.post(url, data, follow=True)
    assert response.status_code == status, (url, response.status_code)
    page = response.content.decode().replace("\u00a0", " ")
    assert f'<html lang="{language}">' in page
    return page


def speaks(client, url: str, *pairs: tuple[str, str], data=None, status=200) -> None:
    """``pairs`` of (English, Swedish): English and not Swedish in English, Swedish in Swedish.
    A POST (``data``) is made in each language."""
    english = in_language(client, "en", url, data, status)
    swedish = in_language(client, "sv", url, data, status)
    for en, sv in pairs:
        assert en in english, en
        assert sv not in english, sv
        assert sv in swedish, sv
        assert en not in swedish, en


def applicant() -> Person:
    return Person.objects.get(personnummer=APPLICANT)


def test_notifications_panel_and_contact_page(client, world):  # noqa: F811
    world.household("north", world.north)
    log_in_applicant(client, applicant())
    speaks(
        client,
        HOME,
        ("Notifications", "Aviseringar"),
        ("Would you like a message by e-mail or text message", "Vill du få ett meddelande"),
        ("Give an e-mail address or mobile number", "Lämna e-post eller mobilnummer"),
    )
    url = reverse("notifications:contact")
    speaks(
        client,
        url,
        ("Notifications by e-mail and text message", "Aviseringar med e-post och sms"),
        ("It never contains your name", "Det innehåller aldrig ditt namn"),
        ("Mobile number", "Mobilnummer"),
        ("I agree that Bistånd stores the details above", "Jag samtycker till att Bistånd"),
    )
    speaks(
        client,
        url,
        ("There are errors in the form", "Det finns fel i formuläret"),
        ("Write an e-mail address, for example name@example.com.", "Skriv en e-postadress, till"),
        ("Write a mobile number, for example 070-123 45 67.", "Skriv ett mobilnummer, till"),
        ("Tick the box to agree", "Kryssa i att du samtycker"),
        data={"email": "inte en adress", "mobile": "123"},
        status=400,
    )
    speaks(
        client,
        url,
        ("Your contact details have been saved.", "Dina kontaktuppgifter är sparade."),
        ("Remove my details and stop sending", "Ta bort mina uppgifter och sluta skicka"),
        data={"email": "anna@example.se", "consent": "yes"},
    )
    speaks(
        client,
        HOME,
        ("We tell you by e-mail or text message", "Vi meddelar dig med e-post eller sms"),
        ("Change or remove your contact details", "Ändra eller ta bort dina kontaktuppgifter"),
    )


def test_urgent_help_panel_form_and_status(client, world):  # noqa: F811
    case = world.household("north", world.north)
    log_in_applicant(client, applicant())
    speaks(
        client,
        HOME,
        ("Urgent help", "Akut hjälp"),
        ("I need urgent help today", "Jag behöver akut hjälp i dag"),
    )
    url = reverse("urgent:apply")
    speaks(
        client,
        url,
        ("Why do you need help today?", "Varför behöver du hjälp i dag?"),
        ("No food today", "Ingen mat i dag"),
        ("Rent or eviction", "Hyran eller vräkning"),
        ("How many days do you need help for?", "Hur många dagar behöver du hjälp för?"),
        ("If someone is in danger: call 112.", "Om någon är i fara: ring 112."),
        ("Send the application for urgent help", "Skicka ansökan om akut hjälp"),
    )
    speaks(
        client,
        url,
        ("Enter at most 7 days.", "Ange högst 7 dagar."),
        ("Describe what has happened.", "Beskriv vad som har hänt."),
        data={"reason": "no_food", "description": "", "days": "30"},
        status=400,
    )
    english = in_language(
        client, "en", url, {"reason": "no_food", "description": "Ingen mat", "days": "2"}
    )
    assert "Your application for urgent help has arrived." in english
    speaks(
        client,
        HOME,
        ("My applications for urgent help", "Mina ansökningar om akut hjälp"),
        ("Received – we decide today", "Inkommen – vi beslutar i dag"),
    )
    request = UrgentRequest.objects.get(case=case)
    urgent.decide(
        request, user=world.users["anna"], outcome="grant", amount_ore=40000, motivering="Mat."
    )
    speaks(
        client,
        HOME,
        ("Granted: 400", "Beviljad: 400"),
        ("Decision letter (PDF)", "Beslutsbrev (PDF)"),
        ("Appeal a decision on urgent help", "Överklaga beslut om akut hjälp"),
        ("Appeal or follow your appeal", "Överklaga eller följ ditt överklagande"),
    )
    appeal = reverse("appeals:minasidor-urgent", args=[request.pk])
    speaks(
        client,
        appeal,
        ("Appeal the decision on urgent help", "Överklaga beslutet om akut hjälp"),
        ("The decision on urgent help was made on", "Beslutet om akut hjälp fattades"),
        ("What do you want changed in the decision, and why?", "Vad vill du ändra i beslutet"),
    )
    english = in_language(client, "en", appeal, {"text": "Jag behöver mer än 400 kr."})
    assert "Your appeal has been sent. The committee first checks" in english
    speaks(
        client,
        appeal,
        ("Your appeals", "Dina överklaganden"),
        ("The committee will check whether it arrived in time.", "Nämnden ska pröva om det"),
    )
    speaks(client, HOME, ("1 appeal", "1 överklagande"))


def test_planning_meeting_panel_and_booking(client, world):  # noqa: F811
    person, case, _application = nyansokan(seeding.get_municipality(), world.north, APPLICANT)
    Slot.objects.create(
        unit=world.north,
        starts_at=timezone.now() + timedelta(hours=3),
        minutes=45,
        mode="place",
        place="Stadshuset, rum 2",
        created_by=world.users["anna"],
    )
    log_in_applicant(client, person)
    speaks(
        client,
        HOME,
        ("Planning meeting", "Planeringsmöte"),
        ("Book a meeting with an employment officer", "Boka ett möte med en"),
        ("Book a planning meeting", "Boka planeringsmöte"),
    )
    url = reverse("planning:minasidor")
    speaks(
        client,
        url,
        ("At the meeting you meet an employment officer", "På mötet träffar du"),
        ("Choose a time", "Välj en tid"),
        (", in person: Stadshuset, rum 2", ", på plats: Stadshuset, rum 2"),
        ("Book the meeting", "Boka mötet"),
    )
    speaks(
        client,
        url,
        ("Choose a time for the meeting.", "Välj en tid för mötet."),
        data={"case": str(case.pk)},
        status=400,
    )
    slot = Slot.objects.get()
    english = in_language(client, "en", url, {"case": str(case.pk), "slot": str(slot.pk)})
    assert "The meeting is booked." in english
    speaks(
        client,
        url,
        ("Your booked meeting", "Ditt bokade möte"),
        ("Cancel the meeting", "Avboka mötet"),
        ("Rebook to another time", "Boka om till en annan tid"),
    )
    speaks(
        client,
        HOME,
        ("You have a planning meeting on", "Du har ett planeringsmöte"),
        ("See, rebook or cancel the meeting", "Se, boka om eller avboka mötet"),
    )


def test_kommunicering_notice_panel_and_answer(client, world, capped):  # noqa: F811
    flags, lines = kommunicering.material_choices(capped)
    kommunicering.send(
        capped,
        user=world.users["anna"],
        keys=[c.key for c in flags + lines if c.adverse],
        text="Vi avser att godta hyran upp till riktlinjen.",
        deadline=kommunicering.default_deadline(),
    )
    log_in_applicant(client, applicant())
    speaks(
        client,
        HOME,
        (
            "You have received material to comment on before we decide on your application "
            "for April 2025.",
            "Du har fått material att yttra dig över innan vi beslutar om din ansökan för "
            "april 2025.",
        ),
        ("Read the material and answer", "Läs materialet och svara"),
    )
    page = reverse("eservice:application", args=[capped.pk])
    speaks(
        client,
        page,
        ("Material for you to comment on", "Material att yttra dig över"),
        ("Before we make a decision that goes wholly or partly", "Innan vi fattar ett beslut"),
        ("Write what you want us to know before we decide", "Skriv vad du vill att vi ska veta"),
        ("Attach a document (optional)", "Bifoga en handling (frivilligt)"),
        ("Questions to other authorities", "Frågor till andra myndigheter"),
        ("What we asked about", "Vad vi frågade om"),
        ("Population register (folkbokföring) and salary", "Folkbokföring och lön"),
    )
    sent = Kommunicering.objects.get(application=capped)
    answer = reverse("kommunicering:answer", args=[capped.pk, sent.pk])
    speaks(
        client,
        answer,
        ("Comment on the material before the decision", "Svara på material inför beslut"),
        ("Write your answer before you send it.", "Skriv ditt svar innan du skickar."),
        data={"komm-answer": ""},
        status=400,
    )
    english = in_language(client, "en", answer, {"komm-answer": "Hyran är rimlig."})
    assert "Thank you! Your answer has been sent." in english


def test_registers_asked_before_signing(db):
    template = Template("{% load kommunicering %}{% registers_asked %}")
    with translation.override("en"):
        english = template.render(Context())
    with translation.override("sv"):
        swedish = template.render(Context())
    assert "Information we collect from other authorities" in english
    assert "the Social Services Act (socialtjänstlagen 2025:400)" in english
    assert "vehicles you own – to see assets." in english
    assert "Uppgifter vi hämtar" not in english and "fordon som du äger" not in english
    assert "Uppgifter vi hämtar från andra myndigheter" in swedish
    assert "<strong>Transportstyrelsen</strong>: fordon som du äger – för att se tillgångar." in (
        swedish
    )


def test_appeal_panel_form_and_status(client, world, decided):  # noqa: F811
    log_in_applicant(client, applicant())
    page = reverse("eservice:application", args=[decided.application_id])
    speaks(
        client,
        page,
        ("Appeal the decision", "Överklaga beslutet"),
        ("You can appeal within three weeks", "Du kan överklaga inom tre veckor"),
    )
    form = reverse("appeals:minasidor-appeal", args=[decided.application_id])
    speaks(
        client,
        form,
        ("What do you want changed in the decision, and why?", "Vad vill du ändra i beslutet"),
        ("Attachment (optional)", "Bilaga (frivillig)"),
        ("social welfare committee (socialnämnden)", "Ditt överklagande skickas till"),
        ("Send the appeal", "Skicka överklagandet"),
    )
    speaks(
        client,
        form,
        ("Write what you want changed in the decision and why.", "Skriv vad du vill ändra i"),
        data={"text": ""},
    )
    english = in_language(client, "en", form, {"text": "Hyran ska godtas."})
    assert "Your appeal has been sent. The committee first checks" in english
    speaks(
        client,
        page,
        ("Your appeal of", "Ditt överklagande"),
        ("The committee will check whether it arrived in time.", "Nämnden ska pröva om det"),
    )
    appeal = appeals.examine(Appeal.objects.get(), user=world.users["anna"])
    appeals.reconsider(
        appeal,
        user=world.users["anna"],
        new_amount_ore=decided.amount_ore + 10000,
        reasons="Elkostnaden godtas.",
    )
    appeals.forward(appeal, user=world.users["anna"])
    speaks(
        client,
        page,
        ("The committee has checked whether it arrived in time:", "Nämnden har prövat om"),
        ("The committee reconsidered the decision on", "Nämnden har omprövat beslutet"),
        ("The difference will be paid on", "Skillnaden betalas ut"),
        ("Sent to the administrative court (förvaltningsrätten)", "Skickat till förvaltnings"),
    )
