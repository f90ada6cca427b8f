USER_NOT_FOUND = "user-not-found"
