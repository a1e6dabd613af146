"""Demo data of nominations (placeholder until the module lands)."""


def load_nominations_demo() -> str:
    return ""
