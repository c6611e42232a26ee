"""The chat's WebSocket consumers: the visitor's widget and the agent's console (docs/chat-protocol.md)."""

from .agent import AgentConsumer
from .visitor import VisitorConsumer

__all__ = ["AgentConsumer", "VisitorConsumer"]
