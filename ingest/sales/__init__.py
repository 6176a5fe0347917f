"""Sales inputs beyond TMF622 events: CRM order exports, pre-build leads, lead conversion."""
