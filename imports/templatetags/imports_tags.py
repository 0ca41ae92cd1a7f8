from django import template

register = template.Library()


@register.filter
def import_counts(batch) -> dict:
    """The batch's totals over its sheets, for the list."""
    return {
        "created": batch.total("created"),
        "updated": batch.total("updated"),
        "unchanged": batch.total("unchanged"),
        "errors": batch.error_count + len(batch.report.get("errors", [])),
    }
