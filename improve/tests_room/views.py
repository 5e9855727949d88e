from django.http import HttpResponse

from improve.programmes.permissions import ProgrammeRequest, programme_view
from improve.tests_room.models import Note


@programme_view("view")
def notes(request: ProgrammeRequest, slug: str) -> HttpResponse:
    codes = ", ".join(n.code for n in Note.objects.filter(programme=request.access.programme))
    return HttpResponse(f"Notes: {codes}")
