"""Load the demo plant into the database of an ``odoo shell`` session and switch it to zh_CN.

Run through scripts/demo.sh. Only the addon's own demo file is loaded, not the
demo data of every Odoo module, so the database contains just the Chinese plant.
"""

from odoo.tools import convert_file

env["res.lang"]._activate_lang("zh_CN")
# In Chinese, so that the messages the demo's workflows post (a rectification notice opened by a
# failed assessment, for instance) read as a Chinese user's would.
zh_env = env(context=dict(env.context, lang="zh_CN"))
for demo_file in ("demo/safety_demo.xml", "demo/safety_demo_plant.xml"):
    convert_file(zh_env, "safety_training_dossier", demo_file, {}, mode="init", noupdate=True)
# The demo records came after the install loaded the translations: load them again for these.
env["ir.module.module"]._load_module_terms(["safety_training_dossier"], ["zh_CN"], overwrite=True)
env.ref("base.user_admin").write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
env.ref("base.main_company").partner_id.write({"tz": "Asia/Shanghai"})
env["res.lang"]._activate_lang("zh_CN")
env.cr.commit()
print("demo plant loaded")
