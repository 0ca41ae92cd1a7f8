"""What an import found, sheet by sheet: rows to create, to update, unchanged, and the row-level errors. Stored as
JSON on the batch (`ImportBatch.report`) for the preview page."""

from dataclasses import asdict, dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

# Rows of each action listed on the preview page (all of them are counted).
LISTED_ROWS = 200


@dataclass
class RowError(Exception):
    """A row that breaks a rule; `column` is the header the clerk sees."""

    column: str
    message: str


@dataclass
class SheetResult:
    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: list[dict] = field(default_factory=list)  # the first LISTED_ROWS created/updated rows
    errors: list[dict] = field(default_factory=list)

    def add(self, *, row: int, action: str, key: str, changes: list[str] | None = None) -> None:
        if action == "create":
            self.created += 1
        elif action == "update":
            self.updated += 1
        else:
            self.unchanged += 1
            return
        if len(self.rows) < LISTED_ROWS:
            self.rows.append({"row": row, "action": action, "key": key, "changes": changes or []})

    def error(self, *, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})

    def validation_error(
        self, *, row: int, error: ValidationError, headers: dict[str, str], key: str
    ) -> None:
        """A model's ValidationError, each message under the column of its field (the row's key column when the
        rule spans fields)."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                column = headers.get(name, key) if name != NON_FIELD_ERRORS else key
                for message in messages:
                    self.error(row=row, column=column, message=message)
        else:
            for message in error.messages:
                self.error(row=row, column=key, message=message)


@dataclass
class ImportResult:
    sheets: list[SheetResult] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # problems of the whole file (no sheet, no header)
    account_ids: list[int] = field(default_factory=list)

    def sheet(self, name: str) -> SheetResult:
        result = SheetResult(name=name)
        self.sheets.append(result)
        return result

    def file_error(self, message: str, *, sheet: str = "", row: int | None = None, column: str = "") -> None:
        self.errors.append({"sheet": sheet, "row": row, "column": column, "message": message})

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(sheet.errors for sheet in self.sheets)

    def as_json(self) -> dict:
        return {"sheets": [asdict(sheet) for sheet in self.sheets], "errors": self.errors}
