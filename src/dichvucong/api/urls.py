# The REST API's routes, composed from each app's api/ package (replaced by the API work).
urlpatterns: list = []
