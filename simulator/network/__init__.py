"""Simulated OLTs answering real SNMP on loopback, driven by the simulated operator's plant.

``network_from_operator(home)`` builds the network (OLTs, PON ports, ONTs with their optics)
from a simulated operator's files; ``AgentFleet`` serves it, one pysnmp agent per OLT on
its own UDP port, plus the OLTs' provisioning API (``ProvisioningApi``) when given a command
log; with ``Network.require_provisioning`` an ONT comes online only once provisioned. A
``Scenario`` injects fibre cuts, optical degradations and agent stops, and
``write_network_truth`` writes their ground truth.
"""

from simulator.network.agent import AgentCredentials, AgentFleet, free_udp_port, free_udp_ports
from simulator.network.build import network_from_operator, synthetic_network
from simulator.network.model import (
    AgentStop,
    FibreCut,
    Network,
    OltNode,
    OntAdminState,
    OntCommand,
    OntNode,
    OntReading,
    OpticalDegradation,
    PonNode,
    Scenario,
)
from simulator.network.provisioning import ProvisioningApi
from simulator.network.scenario import affected_onts, default_scenario, write_network_truth
from simulator.network.serve import (
    command_log_path,
    credentials_from_env,
    fleet_inventory,
    serve_operator,
    simulated_olts,
)

__all__ = [
    "AgentCredentials",
    "AgentFleet",
    "AgentStop",
    "FibreCut",
    "Network",
    "OltNode",
    "OntAdminState",
    "OntCommand",
    "OntNode",
    "OntReading",
    "OpticalDegradation",
    "PonNode",
    "ProvisioningApi",
    "Scenario",
    "affected_onts",
    "command_log_path",
    "credentials_from_env",
    "default_scenario",
    "fleet_inventory",
    "free_udp_port",
    "free_udp_ports",
    "network_from_operator",
    "serve_operator",
    "simulated_olts",
    "synthetic_network",
    "write_network_truth",
]
