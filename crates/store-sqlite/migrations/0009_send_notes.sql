-- What a connector changed or measured while sending (a downgrade into text, SMS segments),
-- recorded on the message as JSON; NULL when it went as given.
ALTER TABLE messages ADD COLUMN send_notes TEXT;
