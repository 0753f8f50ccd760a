"""The link to the team server: the API client, the event stream, credentials, the solo server."""
