"""What the workshop tells other modules. Other modules may import this package and nothing else."""

from martello.generator.template.contracts.events import WidgetIntroduced

__all__ = ["WidgetIntroduced"]
