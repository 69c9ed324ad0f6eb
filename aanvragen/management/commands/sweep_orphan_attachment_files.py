from django.core.management.base import BaseCommand

from aanvragen.services.retention import orphan_files_sweep


class Command(BaseCommand):
    help = "Verwijder opgeslagen bijlagebestanden zonder aanvraag, ouder dan een dag (ook de wekelijkse taak)."

    def handle(self, *args, **options):
        count = orphan_files_sweep()
        self.stdout.write(f"{count} bestand(en) zonder aanvraag verwijderd.")
