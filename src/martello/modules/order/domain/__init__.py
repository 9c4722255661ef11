"""The order domain: the Order aggregate, its events, values and rules. Standard library and kernel only."""
