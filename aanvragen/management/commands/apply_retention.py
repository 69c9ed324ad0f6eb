from django.core.management.base import BaseCommand

from aanvragen.services.retention import retention_apply


class Command(BaseCommand):
    help = "Pas de bewaartermijnen toe (ook de nachtelijke taken); met --dry-run alleen tonen wat zou verdwijnen."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Niets wijzigen; per soort tonen wat zou gaan.")

    def handle(self, *args, dry_run=False, **options):
        counts = retention_apply(dry_run=dry_run)
        verb = "zou gaan" if dry_run else "verwerkt"
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count} {verb}")
