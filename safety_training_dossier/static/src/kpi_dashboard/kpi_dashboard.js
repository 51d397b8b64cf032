import { Component, onWillStart } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * The Safety app's home: the KPIs of the selected companies with their targets, the oldest overdue
 * items, the weakest courses and departments, and the stored monthly trend. The server computes
 * everything with the user's rights, so a department manager sees their departments only.
 */
export class SafetyKpiDashboard extends Component {
    static template = "safety_training_dossier.KpiDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        onWillStart(async () => {
            this.data = await this.orm.call("safety.kpi", "get_dashboard_data", []);
        });
    }

    formatValue(card) {
        if (card.value === null || card.value === undefined) {
            return "-";
        }
        return card.name === "overdue_count" ? String(card.value) : card.value.toFixed(1);
    }

    formatRate(value) {
        return value === null || value === undefined ? "-" : value.toFixed(1);
    }

    openItem(item) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: item.model,
            res_id: item.id,
            views: [[false, "form"]],
        });
    }

    openAction(xmlid) {
        this.action.doAction(xmlid);
    }
}

registry.category("actions").add("safety_kpi_dashboard", SafetyKpiDashboard);
