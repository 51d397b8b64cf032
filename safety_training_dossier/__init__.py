from . import models, wizards


def post_init_hook(env):
    """Create the dossiers of the employees that exist before the install, in one batch."""
    env["safety.dossier"]._create_missing_dossiers()
