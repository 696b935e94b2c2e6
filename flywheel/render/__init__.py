"""Drawing: the Draft protocol, the exact scene engine, and running trusted figure/tool code."""
