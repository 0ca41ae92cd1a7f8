from .models import profile_of


def role(request) -> dict:
    profile = profile_of(request.user)
    return {"profile": profile, "role": profile.role if profile else None}
