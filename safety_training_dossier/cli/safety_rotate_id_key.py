"""``odoo-bin safety_rotate_id_key``: re-encrypt every identity number under a new key.

Stop the Odoo server first. The current key comes from the configuration (safety_id_key or
SAFETY_ID_KEY) as usual; the new key from --new-key-file. Once the command reports success,
put the new key in the configuration and start Odoo again.
"""

import logging
import optparse
import sys
from pathlib import Path

import odoo.tools.config
from odoo import SUPERUSER_ID, api
from odoo.cli.command import Command
from odoo.modules.registry import Registry

_logger = logging.getLogger(__name__)


class SafetyRotateIdKey(Command):
    """Re-encrypt the identity numbers of the database given by -d under a new key."""

    name = "safety_rotate_id_key"

    def run(self, args):
        parser = odoo.tools.config.parser
        parser.prog = self.prog
        group = optparse.OptionGroup(parser, "Key rotation")
        group.add_option("--new-key-file", dest="new_key_file",
                         help="File holding the new key: 32 random bytes as URL-safe base64 on one line.")
        parser.add_option_group(group)
        options = odoo.tools.config.parse_config(args, setup_logging=True)
        dbnames = odoo.tools.config["db_name"]
        if not dbnames or len(dbnames) != 1:
            sys.exit("Name one database with -d.")
        if not options.new_key_file:
            sys.exit("Give the new key with --new-key-file.")
        new_key = Path(options.new_key_file).read_text().strip()
        registry = Registry(dbnames[0])
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            rotated, checked = env["hr.version"]._safety_rotate_id_key(new_key)
        # The cursor committed on leaving the block: the numbers are now under the new key.
        print(f"Re-encrypted {rotated} identity numbers and decrypted {checked} of them back with the new key. "
              "Put the new key in the configuration (safety_id_key) before starting Odoo.")
