async def get_user(user_id: int) -> str:
    return str(user_id)
