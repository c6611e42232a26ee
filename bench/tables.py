"""A small table type and its plain-text and Markdown renderings."""

from dataclasses import dataclass, field


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.title}: {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(list(cells))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _grid(table: Table) -> tuple[list[list[str]], list[int], list[bool]]:
    cells = [[_cell(value) for value in row] for row in table.rows]
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(table.columns)]
    numeric = [bool(table.rows) and all(_is_number(row[i]) for row in table.rows) for i in range(len(table.columns))]
    return cells, widths, numeric


def format_text(table: Table) -> str:
    """Render the table for a terminal: numbers aligned to the right."""
    cells, widths, numeric = _grid(table)

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    out = [table.title, "=" * len(table.title), line(table.columns), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    out += [f"  {note}" for note in table.notes]
    return "\n".join(out)


def format_markdown(table: Table) -> str:
    """Render the table as GitHub Markdown, ready to paste into docs/."""
    cells, widths, numeric = _grid(table)

    def line(values: list[str], header: bool = False) -> str:
        parts = [
            v.rjust(w) if num and not header else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "| " + " | ".join(parts) + " |"

    rule = ["-" * (w - 1) + ":" if num else "-" * w for w, num in zip(widths, numeric, strict=True)]
    out = [f"### {table.title}", "", line(table.columns, header=True), line(rule, header=True)]
    out += [line(row) for row in cells]
    if table.notes:
        out += [""] + [f"- {note}" for note in table.notes]
    return "\n".join(out)
