from django.core.management.base import BaseCommand, CommandError

from dichvucong.core.errors import ServiceError
from dichvucong.documents.models import DocumentKind
from dichvucong.documents.services import document_render
from dichvucong.dossiers.models import Dossier


class Command(BaseCommand):
    help = (
        "Re-render a dossier's stored form (receipt, supplement_request, refusal, apology, "
        "stop_notice) as a PDF; forms 02 and 04 of the latest request or apology."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="Dossier code, or the dossier's id before receipt.")
        parser.add_argument("kind", choices=DocumentKind.values)

    def handle(self, *args, code: str, kind: str, **options):
        dossier = Dossier.objects.filter(code=code).only("pk").first()
        if dossier is None and code.isdigit():
            dossier = Dossier.objects.filter(pk=int(code)).only("pk").first()
        if dossier is None:
            raise CommandError(f"No dossier {code}.")
        try:
            document = document_render(dossier_id=dossier.pk, kind=kind)
        except ServiceError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{document.file.name} sha256={document.sha256}")
