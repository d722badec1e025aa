import pytest
from django.urls import reverse

from dichvucong.workflow import processing
from dichvucong.workflow.steps import open_step
from tests.workflow.world import local, world

MONDAY = local(2026, 3, 2, 8, 0)


def at_specialist(w, *, received=MONDAY, forwarded=None, **kwargs):
    """A dossier received by the desk at `received` and forwarded to the specialist step."""
    dossier = w.dossier(at=received, **kwargs)
    return processing.step_forward(
        step=open_step(dossier), actor=w.desk_officer, at=forwarded or received
    )


def dossier_url(dossier):
    return reverse("web:officer-dossier", args=[dossier.pk])


def action_url(dossier, action):
    return reverse("web:officer-action", kwargs={"pk": dossier.pk, "action": action})


@pytest.fixture
def w(db):
    return world()


@pytest.fixture
def vi(settings):
    settings.LANGUAGE_CODE = "vi"
