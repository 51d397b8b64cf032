import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

MODULE = "safety_training_dossier"


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):

    def test_every_term_has_zh_cn_translation(self):
        self.maxDiff = None
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms([MODULE], ["zh_CN"], overwrite=True)
        reader = TranslationModuleReader(self.env.cr, modules=[MODULE], lang="zh_CN")
        # Odoo stores no translation equal to its source ("ID"), so the .po file is checked for those.
        catalog = polib.pofile(file_path(f"{MODULE}/i18n/zh_CN.po"))
        same_as_source = {entry.msgid for entry in catalog if entry.msgstr == entry.msgid}
        terms = [(kind, name, source) for module, kind, name, _res_id, source, value, _comments in reader
                 if module == MODULE and not value and source not in same_as_source]
        self.assertEqual(terms, [], "terms without a zh_CN translation")
        self.assertGreater(len(list(reader)), 300)

    def test_legal_terms_in_zh_cn(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms([MODULE], ["zh_CN"], overwrite=True)
        zh = self.env(context={"lang": "zh_CN"})
        self.assertEqual(zh.ref(f"{MODULE}.training_type_company_level").name, "公司级安全教育")
        self.assertEqual(zh.ref(f"{MODULE}.special_operation_high_voltage").name, "高压电工作业")
        self.assertEqual(zh.ref(f"{MODULE}.special_operation_category_electrical").name, "电工作业")
        labels = dict(zh["safety.dossier"]._fields["employee_type"]._description_selection(zh))
        self.assertEqual(labels["dispatched"], "劳务派遣")
        self.assertEqual(labels["employee"], "正式员工")
