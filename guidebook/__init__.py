"""Tools behind the guideline site: the rule catalogue, include expansion and block checks."""
