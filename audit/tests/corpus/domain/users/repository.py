class UserRepository:
    async def get(self, user_id: int) -> str:
        return str(user_id)
