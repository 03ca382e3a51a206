#!/usr/bin/env python3
"""moto_server with the per-security-group rule limit at AWS's raised ceiling (1000) instead of the default 60."""
import sys
from moto.ec2.models import security_groups as sg
from moto.ec2.exceptions import RulesPerSecurityGroupLimitExceededError

def _verify(self, group, current_rule_nb, ip_ranges, source_groups=None, egress=False):
    future = current_rule_nb + len(ip_ranges or []) + len(source_groups or [])
    if future > 1000:
        raise RulesPerSecurityGroupLimitExceededError

sg.SecurityGroupBackend._verify_group_will_respect_rule_count_limit = _verify
from moto.server import main
main(sys.argv[1:])
