"""Panel selection for the register half: which respondents sit on the panel.

When the response window closes, the respondents' selection probabilities are computed
so that every possible panel meets the quotas and the lowest probability is as high as
it can be (maximin), then the next lowest, and so on (LEXIMIN, Flanigan et al., Nature
2021). The lottery over panels is rounded into a published list of equally likely
panels, committed to by its digest, and one is picked with the public seed (Flanigan et
al., Science 2021), so anyone can check the pick from the published list.

Typical use::

    quotas = proportional_quotas(population, seats=30)
    distribution = select_distribution(respondents, quotas, 30, method="leximin")
    panels = panel_lottery(distribution, respondents, count=1000)
    digest = panel_list_digest(panels)          # publish before the seed is known
    seated = pick_panel(panels, panel_index_from_seed(seed, len(panels)))
"""

from lottery.domain.panels.lottery import (
    Panels,
    panel_index_from_seed,
    panel_list_digest,
    panel_lottery,
    panel_shares,
    pick_panel,
    seed_sources,
)
from lottery.domain.panels.model import (
    Distribution,
    InfeasibilityReport,
    Infeasible,
    Method,
    Quota,
    Relaxation,
    Respondent,
    TypePanel,
)
from lottery.domain.panels.quotas import largest_remainder, proportional_quotas
from lottery.domain.panels.selection import select_distribution

__all__ = [
    "Distribution",
    "InfeasibilityReport",
    "Infeasible",
    "Method",
    "Panels",
    "Quota",
    "Relaxation",
    "Respondent",
    "TypePanel",
    "largest_remainder",
    "panel_index_from_seed",
    "panel_list_digest",
    "panel_lottery",
    "panel_shares",
    "pick_panel",
    "proportional_quotas",
    "seed_sources",
    "select_distribution",
]
