// A worker without e-mail logs in with their employee number and first password, sets a
// password of their own, signs in to a session through its QR link and opens their dossier.
// The test that starts it (tests/test_portal_tour.py) creates the worker and the session.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("safety_worker_qr_sign_in", {
    steps: () => [
        { trigger: ".oe_login_form input[name=login]", run: "edit W3001" },
        { trigger: ".oe_login_form input[name=password]", run: "edit First-Pass-2026" },
        { trigger: ".oe_login_form button[type=submit]", run: "click", expectUnloadPage: true },
        { trigger: ".o_safety_password_form input[name=old]", run: "edit First-Pass-2026" },
        { trigger: ".o_safety_password_form input[name=new1]", run: "edit Own-Pass-2026!" },
        { trigger: ".o_safety_password_form input[name=new2]", run: "edit Own-Pass-2026!" },
        { trigger: ".o_safety_password_form button[type=submit]", run: "click", expectUnloadPage: true },
        { trigger: ".o_safety_sign_in_button", run: "click", expectUnloadPage: true },
        { trigger: ".o_safety_signed_in:contains(陈杰)" },
        { trigger: "a[href='/my/safety']", run: "click", expectUnloadPage: true },
        { trigger: ".o_safety_training_record:contains(Forklift safety)" },
        { trigger: ".o_safety_dossier_pdf" },
    ],
});
