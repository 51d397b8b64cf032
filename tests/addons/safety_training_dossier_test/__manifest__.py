{
    "name": "Safety Training Dossier: test models",
    "summary": "A fake model that the addon's tests use to test its abstract mixins; never install in production",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "Safety Training Dossier developers",
    "license": "LGPL-3",
    "depends": ["safety_training_dossier"],
    "data": ["security/ir.model.access.csv"],
    "installable": True,
}
