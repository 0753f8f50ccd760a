"""The mention stream: table model, filter proxy and bar, cell painter, the selected mention's
detail, and the ownership actions on a mention."""
