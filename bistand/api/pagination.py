from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=2&page_size=100``: 50 a page by default, at most 200."""

    page_size_query_param = "page_size"
    max_page_size = 200
    page_query_description = "Sidnummer, från 1."
    page_size_query_description = "Antal per sida: 50 om inget anges, högst 200."

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        properties["count"] = {"type": "integer", "description": "Antal träffar totalt."}
        for name, text in (("next", "Nästa sida"), ("previous", "Föregående sida")):
            properties[name] = {
                "type": "string",
                "format": "uri",
                "nullable": True,
                "description": f"{text}, eller null.",
            }
        return response
