from rest_framework import serializers


class AgencyContactSerializer(serializers.Serializer):
    """Liên hệ công khai của bộ phận một cửa của một cơ quan."""

    code = serializers.CharField(read_only=True, help_text="Mã định danh điện tử.")
    name = serializers.CharField(read_only=True)
    desk_name = serializers.CharField(read_only=True)
    desk_address = serializers.CharField(read_only=True)
    desk_phone = serializers.CharField(read_only=True)
    desk_email = serializers.CharField(read_only=True)
    desk_opening_hours = serializers.CharField(read_only=True)
