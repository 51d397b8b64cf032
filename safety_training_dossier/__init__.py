from . import models, reports, wizards


def post_init_hook(env):
    """Set the cut-over date to today, then create the dossiers of the existing employees in one batch.

    With the cut-over at the install date, people hired earlier do not all show as
    overdue for their induction the day the addon is installed.
    """
    for company in env["res.company"].search([("safety_cut_over_date", "=", False)]):
        company.safety_cut_over_date = company._safety_local_today()
    env["safety.dossier"]._create_missing_dossiers()
