"""The user context: sign up, sign in, profiles and roles."""
