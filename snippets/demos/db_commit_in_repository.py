"""Anti-pattern: repositories that commit, so one use case is several transactions."""

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "demo_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    balance: Mapped[int]


# --8<-- [start:demo]
class AccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_to_balance(self, account_id: int, amount: int) -> None:
        account = await self.session.get_one(Account, account_id)
        account.balance += amount
        await self.session.commit()  # this half of a transfer is now permanent


async def transfer(repo: AccountRepository, src: int, dst: int, amount: int) -> None:
    await repo.add_to_balance(src, -amount)
    await repo.add_to_balance(dst, amount)  # if this fails, the money is gone


# --8<-- [end:demo]
