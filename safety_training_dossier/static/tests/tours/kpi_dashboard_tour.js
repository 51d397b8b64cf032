import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("safety_kpi_dashboard", {
    steps: () => [
        {
            content: "The KPI cards show their values",
            trigger: ".o_safety_kpi_dashboard .o_safety_kpi_card .o_safety_kpi_value",
        },
        {
            content: "Open the oldest overdue item",
            trigger: ".o_safety_overdue_items tbody tr:first-child td:contains('张伟')",
            run: "click",
        },
        {
            content: "The overdue item opens in its form",
            trigger: ".o_form_view",
        },
    ],
});
