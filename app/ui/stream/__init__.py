"""The mention stream: table model, filter proxy, cell painter, the selected mention's detail."""
